package dev.postern.app;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.postern.config.ComponentParameters;
import dev.postern.config.ConfigException;
import dev.postern.config.MainCf;
import dev.postern.config.MasterCf;
import dev.postern.config.MasterCfService;
import dev.postern.delivery.pipe.PipeCourier;

/**
 * The part of {@code postern check} that is master.cf's own (docs/master-cf.md): the file parses; each
 * transport's {@code -o} settings apply to main.cf; each pipe(8) transport's attributes ({@code flags=},
 * {@code user=}, {@code argv=} and its macros...) are valid. Every transport is checked, not only up to
 * the first bad one, as the queue manager's start would. A service Postern does not run (spawn, qmqpd...)
 * is a warning: it is left out, and mail a table sends to it would defer. The listeners, and how their {@code -o} combine with
 * smtpserver.xml, are checked with the listeners ({@code MainCfConfigurationProvider#listenerSetups}).
 */
final class MasterCfCheck {
    private static final String COMPONENT = "postern check";

    private final PosternHome home;

    MasterCfCheck(PosternHome home) {
        this.home = home;
    }

    /** What was found: errors stop a start, warnings do not. */
    record Found(List<String> errors, List<String> warnings) {
        Found {
            errors = List.copyOf(errors);
            warnings = List.copyOf(warnings);
        }
    }

    Found check(MainCf mainCf) {
        MasterCf master;
        try {
            master = MasterCf.besideMainCf(home.mainCf());
        } catch (ConfigException e) {
            return new Found(List.of(e.getMessage()), List.of());
        }
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (MasterCfService service : master.services()) {
            switch (service.role()) {
                case TRANSPORT -> transportProblem(service, mainCf).ifPresent(errors::add);
                case NOT_RUN -> warnings.add(service.where() + ": Postern does not run " + service.command()
                    + "; this service is left out");
                default -> { }
            }
        }
        return new Found(errors, warnings);
    }

    /** The service's parameters, and for pipe its attributes, as the queue manager builds its courier. */
    private Optional<String> transportProblem(MasterCfService service, MainCf mainCf) {
        try {
            ComponentParameters parameters = ComponentParameters.of(
                mainCf.withOverrides(service.overrides(), service.where()), name -> Optional.empty(), COMPONENT);
            if (service.command().equals("pipe")) {
                PipeCourier.create(service, parameters, home.home(), Clock.systemUTC());
            }
            return Optional.empty();
        } catch (ConfigException | IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }
}
