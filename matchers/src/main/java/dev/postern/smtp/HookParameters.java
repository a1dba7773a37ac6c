package dev.postern.smtp;

import java.util.Optional;

import org.apache.commons.configuration2.Configuration;
import org.apache.james.protocols.api.handler.ProtocolHandler;

import dev.postern.config.ComponentParameters;
import dev.postern.config.ConfigException;
import dev.postern.config.MainCf;

/**
 * Builds a hook's parameters from main.cf and the {@code <handler>} element of
 * smtpserver.xml: a child element named like a main.cf parameter overrides it for that
 * listener only (as {@code -o name=value} does in master.cf).
 */
final class HookParameters {
    private HookParameters() {
    }

    static ComponentParameters from(MainCf injected, Configuration handlerConfig, ProtocolHandler hook)
            throws org.apache.commons.configuration2.ex.ConfigurationException {
        try {
            return ComponentParameters.of(injected,
                name -> Optional.ofNullable(handlerConfig.getString(name, null)),
                hook.getClass().getSimpleName());
        } catch (ConfigException e) {
            throw new org.apache.commons.configuration2.ex.ConfigurationException(e.getMessage(), e);
        }
    }
}
