package dev.postern.app;

import java.io.PrintStream;
import java.util.List;
import java.util.Optional;

import dev.postern.app.control.QueueControlClient;
import dev.postern.app.control.ReloadOutcome;
import dev.postern.config.ListenAddress;
import dev.postern.config.MainCf;

/**
 * {@code postern reload}: Postfix's {@code postfix reload}, asked of the server the home's
 * {@code postern_webadmin_listen} names. The server reads main.cf itself (with its own environment
 * overrides), so what it checks is what it runs. Exit status 0 when the new configuration runs,
 * 1 when the server cannot be reached or refuses it (the old one then stays), 2 for a usage error.
 */
final class ReloadCommand {
    static final String USAGE = "usage: postern reload";
    private static final String PARAMETER = "postern_webadmin_listen";

    /** Reads the home's main.cf; a problem is a {@link StartupFailure} naming FILE:LINE. */
    @FunctionalInterface
    interface MainCfSource {
        MainCf load() throws StartupFailure;
    }

    private final PosternHome home;
    private final MainCfSource mainCf;
    private final PrintStream out;
    private final PrintStream err;

    ReloadCommand(PosternHome home, MainCfSource mainCf, PrintStream out, PrintStream err) {
        this.home = home;
        this.mainCf = mainCf;
        this.out = out;
        this.err = err;
    }

    int run(List<String> arguments) {
        if (!arguments.isEmpty()) {
            throw new IllegalArgumentException(USAGE);
        }
        Optional<ListenAddress> webadmin;
        try {
            // The server would refuse the same file; saying so here also covers a main.cf too
            // broken to name the server's address.
            webadmin = ListenAddress.parse(PARAMETER, mainCf.load().get(PARAMETER));
        } catch (StartupFailure e) {
            err.println("postern: fatal: configuration not reloaded, the running one stays: " + e.getMessage());
            return 1;
        }
        if (webadmin.isEmpty()) {
            err.println("postern: fatal: " + PARAMETER + " is empty in " + home.mainCf() + ": reload needs WebAdmin");
            return 1;
        }
        try {
            ReloadOutcome outcome = new QueueControlClient(webadmin.get(), PARAMETER + " in " + home.mainCf()).reload();
            out.println("postern: " + outcome.summary());
            return 0;
        } catch (QueueControlClient.Unreachable e) {
            err.println("postern: fatal: " + e.getMessage());
            return 1;
        } catch (QueueControlClient.Refused e) {
            err.println("postern: fatal: configuration not reloaded, the running one stays: " + e.getMessage());
            return 1;
        }
    }
}
