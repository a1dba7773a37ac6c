package dev.postern.delivery.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code |command} destination, as local(8) runs it: {@code /bin/sh -c command} in Postern's home,
 * the message on standard input, the recipient's parts in the environment ({@code SENDER},
 * {@code RECIPIENT}, {@code USER}, {@code EXTENSION}, {@code DOMAIN}, {@code LOCAL}), and the exit
 * status judged by sysexits: 0 delivered, {@code EX_TEMPFAIL} (75) and {@code EX_OSERR} (71) try again,
 * {@code EX_NOUSER} (67) 5.1.1, anything else {@code 5.3.0 Command died with status N}. Output that
 * starts with an enhanced status code ({@code 5.7.1 text}) gives the detail, as in Postfix. A command
 * that outlives its time limit is killed and bounces.
 *
 * <p>The command sees only the environment it is given (Postern's own, which may hold secrets, is not
 * passed on: local(8) exports only {@code export_environment}), and runs as {@code default_privs} when
 * Postern runs as root.
 */
public final class PipeCommand {
    private static final int EX_NOUSER = 67;
    private static final int EX_OSERR = 71;
    private static final int EX_TEMPFAIL = 75;
    private static final int OUTPUT_LIMIT = 4096;
    private static final Pattern DSN = Pattern.compile("^([245])\\.(\\d{1,3}\\.\\d{1,3})\\s+(.*)", Pattern.DOTALL);

    private final Path workingDirectory;
    private final Duration timeLimit;
    private final Optional<DefaultPrivs> runAs;

    public PipeCommand(Path workingDirectory, Duration timeLimit) {
        this(workingDirectory, timeLimit, Optional.empty());
    }

    /** @param runAs the account to run as; empty: as this process */
    public PipeCommand(Path workingDirectory, Duration timeLimit, Optional<DefaultPrivs> runAs) {
        this.workingDirectory = workingDirectory;
        this.timeLimit = timeLimit;
        this.runAs = runAs;
    }

    /** How a command ended, as a delivery outcome. */
    public record Outcome(boolean delivered, boolean temporary, String dsn, String text) {
    }

    public Outcome run(String command, Map<String, String> environment, byte[] message) {
        Exit exit = execute(List.of("/bin/sh", "-c", command), environment, message);
        return switch (exit.ending()) {
            case NOT_STARTED -> new Outcome(false, true, "4.3.0", "cannot run command \"" + command + "\": " + exit.output());
            case TIMED_OUT -> new Outcome(false, false, "5.3.0", "Command time limit exceeded: \"" + command + "\"");
            case INTERRUPTED -> new Outcome(false, true, "4.3.0", "interrupted while running \"" + command + "\"");
            case EXITED -> judge(command, exit.status(), exit.output());
        };
    }

    /** How a process ended: its exit status and output, or why there is none. */
    public record Exit(Ending ending, int status, String output) {
        public enum Ending { EXITED, NOT_STARTED, TIMED_OUT, INTERRUPTED }
    }

    /**
     * Runs {@code argv} without a shell (pipe(8)'s way), as the configured account, in the working
     * directory, with only {@code environment}, the message on standard input; its output (standard
     * error too, up to 4 KB, white space folded) is returned for the delivery status.
     */
    public Exit execute(List<String> argv, Map<String, String> environment, byte[] message) {
        List<String> line = new ArrayList<>();
        runAs.ifPresent(privs -> line.addAll(privs.commandPrefix()));
        line.addAll(argv);
        ProcessBuilder builder = new ProcessBuilder(line)
            .directory(workingDirectory.toFile())
            .redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return new Exit(Exit.Ending.NOT_STARTED, -1, e.getMessage());
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> drain(process.getInputStream(), output), "postern-pipe-output");
        reader.setDaemon(true);
        reader.start();
        try (OutputStream in = process.getOutputStream()) {
            in.write(message);
        } catch (IOException e) {
            // the command did not read all of its input: judged by its exit status, as Postfix does
        }
        try {
            if (!process.waitFor(timeLimit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return new Exit(Exit.Ending.TIMED_OUT, -1, outputOf(output));
            }
            reader.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return new Exit(Exit.Ending.INTERRUPTED, -1, outputOf(output));
        }
        return new Exit(Exit.Ending.EXITED, process.exitValue(), outputOf(output));
    }

    static Outcome judge(String command, int status, String output) {
        if (status == 0) {
            return new Outcome(true, false, "2.0.0", "delivered to command: " + command);
        }
        boolean temporary = status == EX_TEMPFAIL || status == EX_OSERR;
        String dsn = temporary ? "4.3.0" : status == EX_NOUSER ? "5.1.1" : "5.3.0";
        String text = "Command died with status " + status + ": \"" + command + "\"";
        Matcher matcher = DSN.matcher(output);
        if (matcher.matches()) {
            dsn = dsn.charAt(0) + "." + matcher.group(2);
            text = matcher.group(3).strip();
        } else if (!output.isBlank()) {
            text += ". Command output: " + output.strip();
        }
        return new Outcome(false, temporary, dsn, text);
    }

    private static void drain(InputStream in, ByteArrayOutputStream output) {
        byte[] buffer = new byte[4096];
        try (in) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                synchronized (output) {
                    if (output.size() < OUTPUT_LIMIT) {
                        output.write(buffer, 0, Math.min(n, OUTPUT_LIMIT - output.size()));
                    }
                }
            }
        } catch (IOException e) {
            // the process is gone; what was read is enough
        }
    }

    private static String outputOf(ByteArrayOutputStream output) {
        synchronized (output) {
            return output.toString(StandardCharsets.UTF_8).replaceAll("\\s+", " ");
        }
    }
}
