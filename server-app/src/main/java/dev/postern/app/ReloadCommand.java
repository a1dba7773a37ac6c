package dev.postern.app;

import java.io.PrintStream;
import java.util.List;

import dev.postern.app.control.QueueControlClient;
import dev.postern.app.control.ReloadOutcome;
import dev.postern.app.control.WebAdminHttp;
import dev.postern.config.ConfigWarnings;
import dev.postern.config.MainCf;

/**
 * {@code postern reload}: Postfix's {@code postfix reload}, asked of the server the home's
 * {@code postern_webadmin_listen} names. The server reads main.cf itself (with its own environment
 * overrides), so what it checks is what it runs. Exit status 0 when the new configuration runs,
 * 1 when the server cannot be reached or refuses it (the old one then stays), 2 for a usage error.
 */
final class ReloadCommand {
    static final String USAGE = "usage: postern reload";

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
        MainCf loaded;
        try {
            // The server would refuse the same file; saying so here also covers a main.cf too
            // broken to name the server's address.
            loaded = mainCf.load();
        } catch (StartupFailure e) {
            err.println("postern: fatal: configuration not reloaded, the running one stays: " + e.getMessage());
            return 1;
        }
        try {
            ReloadOutcome outcome = new QueueControlClient(WebAdminHttp.forHome(home, loaded, "reload",
                QueueControlClient.REQUEST_TIMEOUT)).reload();
            // The warnings the server logs for this main.cf, shown to whoever asked for the reload too.
            ConfigWarnings.of(loaded).forEach(warning -> err.println("postern: warning: " + warning));
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
