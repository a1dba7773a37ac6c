package dev.postern.app;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import dev.postern.app.explain.ExplainCommand;
import dev.postern.config.ConfigException;
import dev.postern.config.ConfigWarnings;
import dev.postern.config.MainCf;
import dev.postern.config.Postconf;
import dev.postern.log.MailLog;

/**
 * The {@code bin/postern} entry point. Every failure the operator can fix ends in one
 * line on standard error and a non-zero exit status, never a stack trace.
 */
public final class PosternMain {
    private static final String JAMES_VERSION = "3.8.1";
    /** How long a stop waits for SMTP transactions in progress; container runtimes wait 10 to 30 s. */
    private static final java.time.Duration DRAIN_TIMEOUT = java.time.Duration.ofSeconds(20);

    private PosternMain() {
    }

    public static void main(String[] args) {
        ToolLogging.select(args);
        int status;
        try {
            status = run(args);
        } catch (StartupFailure e) {
            System.err.println("postern: fatal: " + e.getMessage());
            status = 1;
        } catch (IllegalArgumentException e) {
            System.err.println("postern: " + e.getMessage());
            status = 2;
        }
        System.exit(status);
    }

    private static int run(String[] args) throws StartupFailure {
        CommandLine command = CommandLine.parse(args, defaultHome());
        return switch (command.subcommand()) {
            case "run" -> runServer(command.home());
            case "postconf" -> postconf(command);
            case "postmap" -> new PostmapCommand(command.home(), () -> loadMainCfOrExit(command.home()),
                System.in, System.out, System.err).run(command.arguments());
            case "postalias" -> PostmapCommand.postalias(command.home(), System.in, System.out, System.err)
                .run(command.arguments());
            case "queue", "flush", "super" -> new QueueCommand(command.home(), () -> loadMainCfOrExit(command.home()),
                System.out, System.err).run(command.subcommand(), command.arguments());
            case "cat" -> new CatCommand(command.home(), System.out, System.err).run(command.arguments());
            case "health" -> new HealthCommand(command.home(), () -> loadMainCfOrExit(command.home()),
                System.out, System.err).run(command.arguments());
            case "reload" -> new ReloadCommand(command.home(), () -> loadMainCf(command.home()),
                System.out, System.err).run(command.arguments());
            case "user" -> new UserCommand(command.home(), () -> loadMainCfOrExit(command.home()), System.in,
                System.console(), System.out, System.err).run(command.arguments());
            case "domain" -> new DomainCommand(command.home(), () -> loadMainCfOrExit(command.home()),
                System.out, System.err).run(command.arguments());
            case "check" -> new CheckCommand(command.home(), System.out, System.err).run(command.arguments());
            case "explain" -> new ExplainCommand(command.home(), System.out, System.err).run(command.arguments());
            case "import-postfix" -> new ImportPostfixCommand(command.home(), System.out, System.err)
                .run(command.arguments());
            case "version" -> version();
            default -> throw new IllegalArgumentException("unknown subcommand \"" + command.subcommand() + "\"; "
                + CommandLine.USAGE);
        };
    }

    private static Path defaultHome() {
        String home = System.getProperty("postern.home");
        return Path.of(home == null ? "." : home);
    }

    private static int version() {
        System.out.println("Postern " + MainCf.defaults().get("mail_version") + " (Apache James " + JAMES_VERSION + ")");
        return 0;
    }

    private static int postconf(CommandLine command) throws StartupFailure {
        return Postconf.run(loadMainCf(command.home()), command.arguments(), System.out, System.err);
    }

    private static MainCf loadMainCfOrExit(PosternHome home) {
        try {
            return loadMainCf(home);
        } catch (StartupFailure e) {
            System.err.println("postern: fatal: " + e.getMessage());
            System.exit(2);
            throw new IllegalStateException(e);
        }
    }

    static MainCf loadMainCf(PosternHome home) throws StartupFailure {
        try {
            return MainCf.load(home.mainCf(), System.getenv());
        } catch (ConfigException e) {
            throw new StartupFailure(e.getMessage(), e);
        }
    }

    private static int runServer(PosternHome home) throws StartupFailure {
        MainCf mainCf = loadMainCf(home);
        List<Problem> problems = CheckCommand.beforeStart(home).stream().filter(Problem::isError).toList();
        if (!problems.isEmpty()) {
            // every problem at once, as check reports them, rather than the first the assembly meets
            problems.forEach(problem -> System.err.println(problem.line()));
            return 1;
        }
        VarTree.create(home.var());
        logConfigWarnings(mainCf);
        ListenerCheck.assertAvailable(mainCf);
        PosternServer server = PosternServer.assemble(home, mainCf);
        CountDownLatch stopRequested = stopSignals();
        try {
            server.start();
        } catch (Exception e) {
            throw StartupFailure.from(e);
        }
        awaitUninterruptibly(stopRequested);
        server.stop(DRAIN_TIMEOUT);
        return 0;
    }

    /** Settings that work but hurt others ({@link ConfigWarnings}), as Postfix-style warnings in the mail log. */
    private static void logConfigWarnings(MainCf mainCf) {
        MailLog mailLog = MailLog.from(mainCf);
        ConfigWarnings.of(mainCf).forEach(warning -> mailLog.log("smtpd", "warning: " + warning));
    }

    /**
     * SIGTERM and SIGINT stop the server in order (listeners finish their in-flight
     * transactions first) and the process then exits 0, as an init system or container
     * runtime expects of a clean stop. The handlers are installed before the start: the SMTP
     * port answers before the start has finished, and a signal in that window must still
     * lead to a drained stop, not to the JVM's default exit.
     */
    private static CountDownLatch stopSignals() {
        CountDownLatch stopRequested = new CountDownLatch(1);
        sun.misc.SignalHandler handler = signal -> stopRequested.countDown();
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), handler);
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), handler);
        return stopRequested;
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
