package dev.postern.app.harness;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import dev.postern.testing.smtp.SmtpSink;

/**
 * One Postern server process under test, running {@code bin/postern run --home HOME} from the built
 * distribution. (The server itself, assembled in that process, is {@code dev.postern.app.PosternServer}.)
 *
 * <p>The home is created with a copy of the distribution's {@code conf/}, an empty {@code var/} and
 * {@code extensions-jars/}; four free loopback ports are chosen once (SMTP, submission, submissions,
 * WebAdmin) and passed with {@code POSTERN_<parameter>} environment overrides, so {@link #start()} after
 * {@link #stop()} or {@link #kill()} runs again on the same home and ports. Tests may append to
 * {@code conf/main.cf}, replace conf files or add overrides before any start.
 *
 * <p>Standard output and error of {@code run} go to {@code HOME/console.log} (appended, one marker line per
 * start); the mail log is {@code HOME/var/log/maillog}. Failure messages carry {@link #describe()}: the
 * state, the console tail and the mail log tail.
 */
public final class PosternProcess implements AutoCloseable {

    public static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
    private static final int TAIL_LINES = 80;

    /** Processes still alive when the test JVM exits are killed, so no server outlives the build. */
    private static final Set<ProcessHandle> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (ProcessHandle handle : LIVE) {
                handle.descendants().forEach(ProcessHandle::destroyForcibly);
                handle.destroyForcibly();
            }
        }, "postern-harness-reaper"));
    }

    private final Path distribution;
    private final Path home;
    private final String name;
    private final int smtpPort;
    private final int submissionPort;
    private final int submissionsPort;
    private final int webadminPort;
    private final Map<String, String> parameters = new LinkedHashMap<>();
    private final Map<String, String> environment = new LinkedHashMap<>();

    private Process process;
    private List<ProcessHandle> launchedDescendants = List.of();
    private int starts;
    private int commands;
    private long consoleOffset;
    private WebAdminClient webAdmin;

    private PosternProcess(Path distribution, Path home, String name) {
        this.distribution = distribution;
        this.home = home;
        this.name = name;
        this.smtpPort = FreePorts.allocate();
        this.submissionPort = FreePorts.allocate();
        this.submissionsPort = FreePorts.allocate();
        this.webadminPort = FreePorts.allocate();
        parameter("postern_smtpd_listen", "127.0.0.1:" + smtpPort);
        parameter("postern_submission_listen", "127.0.0.1:" + submissionPort);
        parameter("postern_submissions_listen", "127.0.0.1:" + submissionsPort);
        parameter("postern_webadmin_listen", "127.0.0.1:" + webadminPort);
        parameter("mynetworks", "127.0.0.1/32");
    }

    /**
     * Creates the home (which must not exist yet or be empty) from the distribution. Nothing is started.
     */
    public static PosternProcess create(Path distribution, Path home) {
        try {
            Files.createDirectories(home);
            try (var entries = Files.list(home)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalStateException("home " + home + " is not empty");
                }
            }
            copyTree(distribution.resolve("conf"), home.resolve("conf"));
            Files.createDirectories(home.resolve("var"));
            Files.createDirectories(home.resolve("extensions-jars"));
            Path jars = distribution.resolve("extensions-jars");
            if (Files.isDirectory(jars)) {
                copyTree(jars, home.resolve("extensions-jars"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create Postern home " + home + ": " + e, e);
        }
        return new PosternProcess(distribution, home.toAbsolutePath(), home.getFileName().toString());
    }

    // ---- configuration (before start) -------------------------------------------------------

    /** Overrides a main.cf parameter through {@code POSTERN_<name>}; {@code null} removes the override. */
    public PosternProcess parameter(String parameter, String value) {
        if (value == null) {
            parameters.remove(parameter);
        } else {
            parameters.put(parameter, value);
        }
        return this;
    }

    /** {@code relayhost = [127.0.0.1]:port}. */
    public PosternProcess relayhost(int port) {
        return parameter("relayhost", "[127.0.0.1]:" + port);
    }

    public PosternProcess relayhost(SmtpSink sink) {
        return parameter("relayhost", sink.relayhost());
    }

    public PosternProcess myhostname(String hostname) {
        return parameter("myhostname", hostname);
    }

    public PosternProcess mynetworks(String networks) {
        return parameter("mynetworks", networks);
    }

    /** Any other environment variable for the process (e.g. {@code POSTERN_OPTS}). */
    public PosternProcess env(String variable, String value) {
        environment.put(variable, value);
        return this;
    }

    /**
     * Appends lines to {@code HOME/conf/main.cf} (adding a line break first if the file lacks a final one)
     * and returns the 1-based line number of the first appended line.
     */
    public int appendMainCf(String... lines) {
        Path mainCf = mainCf();
        try {
            String existing = Files.exists(mainCf) ? Files.readString(mainCf, StandardCharsets.UTF_8) : "";
            StringBuilder text = new StringBuilder();
            long lineCount = existing.chars().filter(c -> c == '\n').count();
            if (!existing.isEmpty() && !existing.endsWith("\n")) {
                text.append('\n');
                lineCount++;
            }
            for (String line : lines) {
                text.append(line).append('\n');
            }
            Files.writeString(mainCf, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            return (int) lineCount + 1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Replaces (or creates) {@code HOME/conf/<relativePath>}. */
    public PosternProcess writeConfFile(String relativePath, String content) {
        Path file = confDir().resolve(relativePath);
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    // ---- lifecycle --------------------------------------------------------------------------

    /** Launches {@code run} and waits until the SMTP port answers {@code 220}. */
    public PosternProcess start() {
        launch();
        awaitReady();
        return this;
    }

    /** Launches {@code bin/postern run --home HOME} without waiting; see {@link #awaitReady()}. */
    public synchronized PosternProcess launch() {
        if (isRunning()) {
            throw new IllegalStateException(name + " is already running (pid " + process.pid() + ")");
        }
        starts++;
        Path console = consoleLog();
        try {
            consoleOffset = Files.exists(console) ? Files.size(console) : 0;
            Files.writeString(console, "=== harness: start #" + starts + " at " + Instant.now() + " ===\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ProcessBuilder builder = processBuilder(List.of("run", "--home", home.toString()));
            builder.redirectErrorStream(true);
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(console.toFile()));
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot launch " + launcher() + ": " + e, e);
        }
        LIVE.add(process.toHandle());
        return this;
    }

    /**
     * Polls the SMTP port until it greets with {@code 220}, for up to {@link #READY_TIMEOUT}. Fails at once
     * if the process exits, and kills it if the timeout passes.
     */
    public PosternProcess awaitReady() {
        return awaitReady(READY_TIMEOUT);
    }

    public PosternProcess awaitReady(Duration timeout) {
        Process current = requireProcess();
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastProbe = "no probe yet";
        while (true) {
            if (!current.isAlive()) {
                LIVE.remove(current.toHandle());
                throw new AssertionError(name + " exited with status " + current.exitValue()
                        + " before its SMTP port answered\n" + describe());
            }
            try {
                String greeting = probeGreeting();
                if (greeting.startsWith("220")) {
                    launchedDescendants = current.descendants().collect(Collectors.toList());
                    return this;
                }
                lastProbe = "greeting: " + greeting;
            } catch (IOException e) {
                lastProbe = e.toString();
            }
            if (System.nanoTime() - deadline >= 0) {
                String description = describe();
                kill();
                throw new AssertionError(name + " did not answer 220 on 127.0.0.1:" + smtpPort + " within " + timeout
                        + " (last probe: " + lastProbe + "); it was killed\n" + description);
            }
            Await.sleep(Duration.ofMillis(200));
        }
    }

    /** SIGTERM, then waits up to {@link #STOP_TIMEOUT} and returns the exit status. */
    public int stop() {
        return stop(STOP_TIMEOUT);
    }

    /**
     * SIGTERM, then waits for the exit and returns its status. If the process is not gone by the timeout
     * it is killed and an {@link AssertionError} is thrown. A process that already ended just reports
     * its status.
     */
    public int stop(Duration timeout) {
        Process current = requireProcess();
        List<ProcessHandle> descendants = descendantsOf(current);
        if (current.isAlive()) {
            current.destroy();
        }
        int status = awaitExit(timeout);
        reap(descendants);
        return status;
    }

    /** Sends SIGTERM and returns at once; pair with {@link #awaitExit(Duration)}. */
    public void signalTerm() {
        requireProcess().destroy();
    }

    /** Waits for the process to end and returns its status; on timeout kills it and throws. */
    public int awaitExit(Duration timeout) {
        Process current = requireProcess();
        try {
            if (!current.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                String description = describe();
                kill();
                throw new AssertionError(name + " did not exit within " + timeout + "; it was killed\n" + description);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        LIVE.remove(current.toHandle());
        return current.exitValue();
    }

    /**
     * SIGKILL to the server JVM (and to any process it started), then waits for the exit and returns
     * the status (137 on Linux). Simulates a crash.
     */
    public int kill() {
        Process current = requireProcess();
        List<ProcessHandle> descendants = descendantsOf(current);
        current.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        try {
            if (!current.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError(name + " survived SIGKILL for 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        reap(descendants);
        LIVE.remove(current.toHandle());
        return current.exitValue();
    }

    /** SIGTERM, assert nothing about the status, start again on the same home and ports. */
    public int restart() {
        int status = stop();
        start();
        return status;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The pid of the current or last process. */
    public long pid() {
        return requireProcess().pid();
    }

    /** Stops the server if it runs: SIGTERM, and SIGKILL if it has not exited in 30 s. Never throws. */
    @Override
    public void close() {
        Process current = process;
        if (current == null || !current.isAlive()) {
            return;
        }
        List<ProcessHandle> descendants = descendantsOf(current);
        current.destroy();
        try {
            if (!current.waitFor(30, TimeUnit.SECONDS)) {
                current.destroyForcibly();
                current.waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            current.destroyForcibly();
        }
        reap(descendants);
        LIVE.remove(current.toHandle());
    }

    // ---- one-shot runs and commands ---------------------------------------------------------

    /**
     * Runs {@code bin/postern run --home HOME} expecting it to end by itself (a startup error), with
     * standard output appended to {@code console.log} and standard error to {@code stderr.log}; returns
     * the status and what this run printed. Kills it and throws if it still runs after {@code timeout}.
     */
    public ExitResult runUntilExit(Duration timeout) {
        if (isRunning()) {
            throw new IllegalStateException(name + " is running");
        }
        starts++;
        Path console = consoleLog();
        Path stderr = home.resolve("stderr.log");
        try {
            long outOffset = Files.exists(console) ? Files.size(console) : 0;
            long errOffset = Files.exists(stderr) ? Files.size(stderr) : 0;
            ProcessBuilder builder = processBuilder(List.of("run", "--home", home.toString()));
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(console.toFile()));
            builder.redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
            process = builder.start();
            LIVE.add(process.toHandle());
            consoleOffset = outOffset;
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
                throw new AssertionError(name + ": `postern run` was expected to exit but still ran after " + timeout
                        + "; it was killed\n--- stdout ---\n" + readFrom(console, outOffset)
                        + "\n--- stderr ---\n" + readFrom(stderr, errOffset));
            }
            LIVE.remove(process.toHandle());
            return new ExitResult(process.exitValue(), readFrom(console, outOffset), readFrom(stderr, errOffset));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot launch " + launcher() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Runs {@code bin/postern ARGS... --home HOME} with this server's environment. */
    public ExitResult runCommand(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--home");
        all.add(home.toString());
        return command(all);
    }

    /** Runs {@code bin/postern ARGS... --home HOME} with {@code input} as its standard input. */
    public ExitResult runCommandWithInput(String input, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--home");
        all.add(home.toString());
        return command(all, input);
    }

    /** Runs {@code bin/postern ARGS...} exactly as given (no {@code --home}) with this server's environment. */
    public ExitResult runCommandWithoutHome(String... args) {
        return command(List.of(args));
    }

    private ExitResult command(List<String> args) {
        return command(args, "");
    }

    private ExitResult command(List<String> args, String input) {
        int number;
        synchronized (this) {
            number = ++commands;
        }
        Path out = home.resolve("command-" + number + ".out");
        Path err = home.resolve("command-" + number + ".err");
        Path in = home.resolve("command-" + number + ".in");
        try {
            Files.writeString(in, input, StandardCharsets.UTF_8);
            ProcessBuilder builder = processBuilder(args);
            builder.redirectInput(in.toFile());
            builder.redirectOutput(out.toFile());
            builder.redirectError(err.toFile());
            Process command = builder.start();
            LIVE.add(command.toHandle());
            try {
                if (!command.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    command.destroyForcibly();
                    throw new AssertionError("`postern " + String.join(" ", args) + "` did not end within "
                            + COMMAND_TIMEOUT + "\n--- stdout ---\n" + Files.readString(out) + "\n--- stderr ---\n"
                            + Files.readString(err));
                }
            } finally {
                LIVE.remove(command.toHandle());
            }
            return new ExitResult(command.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + launcher() + " " + args + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    // ---- clients ----------------------------------------------------------------------------

    /** An SMTP client connected to the MX listener from 127.0.0.1 (greeting already read). */
    public SmtpClient connect() {
        return SmtpClient.connect("127.0.0.1", smtpPort, null);
    }

    /** An SMTP client connected to the MX listener from {@code localAddress}, e.g. 127.0.0.2. */
    public SmtpClient connectFrom(String localAddress) {
        return SmtpClient.connect("127.0.0.1", smtpPort, localAddress);
    }

    public synchronized WebAdminClient webAdmin() {
        if (webAdmin == null) {
            webAdmin = new WebAdminClient(webadminPort, webAdminTokenFile());
        }
        return webAdmin;
    }

    /**
     * Flushes the spool (where deferred mail waits) through WebAdmin every {@code flushEvery} until {@code done} holds; throws
     * an {@link AssertionError} with {@code what} and {@link #describe()} after {@code timeout}.
     */
    public void flushUntil(String what, Duration timeout, Duration flushEvery, BooleanSupplier done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long nextFlush = System.nanoTime();
        while (!done.getAsBoolean()) {
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what + "\n" + describe());
            }
            if (now - nextFlush >= 0) {
                webAdmin().flushSpool();
                nextFlush = System.nanoTime() + flushEvery.toNanos();
            }
            Await.sleep(Duration.ofMillis(200));
        }
    }

    // ---- files and logs ---------------------------------------------------------------------

    public Path home() {
        return home;
    }

    public String name() {
        return name;
    }

    public Path distribution() {
        return distribution;
    }

    public Path confDir() {
        return home.resolve("conf");
    }

    public Path varDir() {
        return home.resolve("var");
    }

    public Path mainCf() {
        return confDir().resolve("main.cf");
    }

    /** The credential WebAdmin requires, made by the server at its first start. */
    public Path webAdminTokenFile() {
        return varDir().resolve("store").resolve("webadmin.token");
    }

    public Path consoleLog() {
        return home.resolve("console.log");
    }

    public Path maillogPath() {
        return varDir().resolve("log").resolve("maillog");
    }

    /** The whole console log (every start). */
    public String console() {
        return readFrom(consoleLog(), 0);
    }

    /** What the current (or last) run printed. */
    public String consoleOfCurrentRun() {
        return readFrom(consoleLog(), consoleOffset);
    }

    public String consoleTail(int lines) {
        return tail(console(), lines);
    }

    /** The mail log ({@code ""} before it exists). */
    public String maillog() {
        return readFrom(maillogPath(), 0);
    }

    public List<String> maillogLines() {
        String text = maillog();
        return text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }

    public String maillogTail(int lines) {
        return tail(maillog(), lines);
    }

    /** Waits until a mail log line satisfies {@code matcher} and returns it. */
    public String awaitMaillogLine(String what, Duration timeout, Predicate<String> matcher) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (String line : maillogLines()) {
                if (matcher.test(line)) {
                    return line;
                }
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("no mail log line " + what + " within " + timeout + "\n" + describe());
            }
            Await.sleep(Duration.ofMillis(200));
        }
    }

    // ---- ports ------------------------------------------------------------------------------

    public int smtpPort() {
        return smtpPort;
    }

    public int submissionPort() {
        return submissionPort;
    }

    public int submissionsPort() {
        return submissionsPort;
    }

    public int webadminPort() {
        return webadminPort;
    }

    /** The {@code POSTERN_*} overrides passed to the process. */
    public Map<String, String> parameterOverrides() {
        return Map.copyOf(parameters);
    }

    // ---- diagnostics ------------------------------------------------------------------------

    /** State, ports, home, console tail and mail log tail: what a failure message needs. */
    public String describe() {
        StringBuilder text = new StringBuilder();
        text.append("Postern process ").append(name).append(" (home ").append(home).append(", smtp ").append(smtpPort)
                .append(", webadmin ").append(webadminPort).append("): ");
        Process current = process;
        if (current == null) {
            text.append("never started");
        } else if (current.isAlive()) {
            text.append("running, pid ").append(current.pid());
        } else {
            text.append("exited with status ").append(current.exitValue());
        }
        text.append("\n--- console.log (last ").append(TAIL_LINES).append(" lines) ---\n")
                .append(consoleTail(TAIL_LINES));
        text.append("\n--- var/log/maillog (last 40 lines) ---\n").append(maillogTail(40));
        // Whatever else the server logs under var/log (its own diagnostics) helps explain a failure too.
        try (var files = Files.list(maillogPath().getParent())) {
            for (Path file : files.filter(Files::isRegularFile).filter(f -> !f.equals(maillogPath())).sorted()
                    .collect(Collectors.toList())) {
                text.append("\n--- var/log/").append(file.getFileName()).append(" (last 40 lines) ---\n")
                        .append(tail(readFrom(file, 0), 40));
            }
        } catch (IOException e) {
            // no var/log yet: nothing more to show
        }
        return text.toString();
    }

    @Override
    public String toString() {
        return "PosternProcess[" + name + ", smtp=" + smtpPort + ", webadmin=" + webadminPort + "]";
    }

    // ---- internals --------------------------------------------------------------------------

    private Path launcher() {
        return distribution.resolve("bin").resolve("postern");
    }

    private ProcessBuilder processBuilder(List<String> args) {
        List<String> command = new ArrayList<>();
        Path launcher = launcher();
        if (!Files.isExecutable(launcher)) {
            command.add("sh");
        }
        command.add(launcher.toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile());
        Map<String, String> env = builder.environment();
        // Parameter overrides inherited from whoever runs the build would make results depend on the shell.
        env.keySet().removeIf(key -> key.startsWith("POSTERN_") && !key.equals(key.toUpperCase(java.util.Locale.ROOT)));
        env.putIfAbsent("JAVA_HOME", System.getProperty("java.home"));
        // Every test home is new: a class-data archive written at each server's exit would cost CI time
        // and never be used. StartupIT turns it on where it is the subject.
        env.put("POSTERN_CDS", "no");
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            env.put("POSTERN_" + parameter.getKey(), parameter.getValue());
        }
        env.putAll(environment);
        return builder;
    }

    private String probeGreeting() throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", smtpPort), 1000);
            socket.setSoTimeout(5000);
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                line.write(b);
                if (line.size() > 4096) {
                    break;
                }
            }
            String greeting = line.toString(StandardCharsets.UTF_8).strip();
            if (greeting.startsWith("220")) {
                // Drain a multi-line greeting before QUIT so the server sees a tidy session.
                while (greeting.length() > 3 && greeting.charAt(3) == '-' && b != -1) {
                    line.reset();
                    while ((b = in.read()) != -1 && b != '\n') {
                        line.write(b);
                    }
                    greeting = line.toString(StandardCharsets.UTF_8).strip();
                }
                OutputStream out = socket.getOutputStream();
                out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return "220";
            }
            return greeting.isEmpty() ? "(connection closed without greeting)" : greeting;
        }
    }

    private synchronized Process requireProcess() {
        if (process == null) {
            throw new IllegalStateException(name + " was never started");
        }
        return process;
    }

    private List<ProcessHandle> descendantsOf(Process current) {
        List<ProcessHandle> now = current.isAlive() ? current.descendants().collect(Collectors.toList()) : List.of();
        List<ProcessHandle> all = new ArrayList<>(launchedDescendants);
        for (ProcessHandle handle : now) {
            if (!all.contains(handle)) {
                all.add(handle);
            }
        }
        return all;
    }

    /** Anything the launcher left behind would hold the ports: kill it. */
    private static void reap(List<ProcessHandle> descendants) {
        for (ProcessHandle handle : descendants) {
            if (handle.isAlive()) {
                try {
                    handle.onExit().get(5, TimeUnit.SECONDS);
                } catch (Exception e) {
                    handle.destroyForcibly();
                }
            }
        }
    }

    private static String readFrom(Path file, long offset) {
        try {
            if (!Files.exists(file)) {
                return "";
            }
            byte[] bytes = Files.readAllBytes(file);
            int start = (int) Math.min(offset, bytes.length);
            return new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    static String tail(String text, int lines) {
        if (text.isEmpty()) {
            return "(empty)";
        }
        String[] all = text.split("\n");
        int from = Math.max(0, all.length - lines);
        return String.join("\n", java.util.Arrays.asList(all).subList(from, all.length));
    }

    private static void copyTree(Path source, Path target) throws IOException {
        if (!Files.isDirectory(source)) {
            throw new IOException("no directory " + source);
        }
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(target.resolve(source.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, target.resolve(source.relativize(file).toString()), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.COPY_ATTRIBUTES);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Deletes a folder tree; used to clean homes of passed tests. */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
