package dev.postern.smtp;

import java.io.IOException;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.api.DomainListException;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.postern.address.AddressClassifier;
import dev.postern.address.NetworkList;
import dev.postern.tables.LookupException;
import dev.postern.config.ComponentParameters;

/**
 * Postern's relay check at RCPT TO, replacing James's AuthRequiredToRelayRcptHook: James
 * refuses {@code relay_domains} that a Postfix administrator expects to accept, and its
 * notion of trust is an XML list rather than {@code mynetworks}. A permitted recipient
 * gets DECLINED (never OK) so that the hooks after this one still run.
 */
public class RelayRestrictionHook implements RcptHook {
    private static final Logger LOGGER = LoggerFactory.getLogger(RelayRestrictionHook.class);

    private final DomainList domainList;
    private final HookEnvironment environment;
    private RelayDecision decision;

    @Inject
    public RelayRestrictionHook(DomainList domainList, HookEnvironment environment) {
        this.domainList = domainList;
        this.environment = environment;
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        ComponentParameters parameters = environment.parameters(config, this);
        try {
            AddressClassifier classifier = AddressClassifier.fromParameters(parameters::get,
                AddressClassifier.ownAddresses(parameters.list("inet_interfaces"), parameters.list("proxy_interfaces")),
                environment::openTable, this::isRuntimeDomain);
            decision = new RelayDecision(NetworkList.parse("mynetworks", parameters.list("mynetworks")), classifier);
        } catch (IllegalArgumentException | IOException e) {
            throw new ConfigurationException(e.getMessage(), e);
        }
    }

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt) {
        RelayDecision.Verdict verdict;
        try {
            verdict = decision.decide(session.getRemoteAddress().getAddress(), session.getUsername() != null, rcpt);
        } catch (LookupException e) {
            // Lookup failure is not permission: the client tries again later.
            LOGGER.warn("relay check for {}: {}", rcpt.asString(), e.getMessage());
            return HookResult.builder()
                .hookReturnCode(HookReturnCode.denySoft())
                .smtpReturnCode("451")
                .smtpDescription("4.3.0 <" + rcpt.asString() + ">: Temporary lookup failure")
                .build();
        }
        if (verdict != RelayDecision.Verdict.DEFER_UNAUTH_DESTINATION) {
            return HookResult.DECLINED;
        }
        return HookResult.builder()
            .hookReturnCode(HookReturnCode.denySoft())
            .smtpReturnCode("454")
            .smtpDescription("4.7.1 <" + rcpt.asString() + ">: Relay access denied")
            .build();
    }

    private boolean isRuntimeDomain(String domain) throws LookupException {
        try {
            return domainList.containsDomain(Domain.of(domain));
        } catch (DomainListException e) {
            throw new LookupException("domain list lookup failed for " + domain + ": " + e.getMessage(), e);
        }
    }
}
