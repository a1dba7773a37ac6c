package dev.postern.stockjames;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * An unmodified James 3.8.1 memory server ({@code MemoryJamesServerMain}) run as its own JVM, the
 * way an operator runs the distribution: a home holding {@code conf/} and {@code extensions-jars/},
 * the server's own classpath, and nothing of Postern but the jars in {@code extensions-jars/}.
 *
 * <p>The build prepares what an operator would download and copy: {@code classpath.txt}, the
 * memory app's runtime classpath without any Postern artifact, and {@code extensions-jars/},
 * Postern's core, matchers and mailets jars (system property {@code stock.james.dir}).
 */
final class StockJamesServer implements AutoCloseable {
    static final String MAIN_CLASS = "org.apache.james.MemoryJamesServerMain";
    private static final String STARTED = "JAMES server started";
    private static final String CONF_RESOURCES = "stock-james/conf/";
    private static final List<String> CONF_FILES = List.of("dnsservice.xml", "domainlist.xml", "imapserver.xml",
        "jmap.properties", "jmx.properties", "jvm.properties", "lmtpserver.xml", "logback.xml", "mailetcontainer.xml",
        "mailrepositorystore.xml", "main.cf", "managesieveserver.xml", "pop3server.xml", "recipient_access",
        "smtpserver.xml", "usersrepository.xml", "webadmin.properties");

    private final Path home;
    private final int smtpPort;
    private final int webAdminPort;
    private final Process process;

    private StockJamesServer(Path home, int smtpPort, int webAdminPort, Process process) {
        this.home = home;
        this.smtpPort = smtpPort;
        this.webAdminPort = webAdminPort;
        this.process = process;
    }

    /** Where the build put classpath.txt and extensions-jars/. */
    static Path preparedDirectory() {
        String dir = System.getProperty("stock.james.dir");
        if (dir == null) {
            throw new IllegalStateException("system property stock.james.dir is not set: run through Maven (mvn verify)");
        }
        return Path.of(dir);
    }

    /** The stock server's classpath, as the build resolved it. */
    static List<String> classpath() throws IOException {
        String text = Files.readString(preparedDirectory().resolve("classpath.txt")).trim();
        return List.of(text.split(java.io.File.pathSeparator));
    }

    /**
     * Lays out a home in {@code home} and starts the server in it.
     *
     * @param edit changes a configuration file's text (by file name) before it is written,
     *             after the ports and the home are filled in
     */
    static StockJamesServer start(Path home, Map<String, UnaryOperator<String>> edit) throws IOException {
        int smtpPort = freePort();
        int webAdminPort = freePort();
        Path conf = Files.createDirectories(home.resolve("conf"));
        for (String name : CONF_FILES) {
            String text = resource(CONF_RESOURCES + name)
                .replace("@SMTP_PORT@", Integer.toString(smtpPort))
                .replace("@WEBADMIN_PORT@", Integer.toString(webAdminPort))
                .replace("@HOME@", home.toString());
            Files.writeString(conf.resolve(name), edit.getOrDefault(name, UnaryOperator.identity()).apply(text));
        }
        copyExtensionJars(home.resolve("extensions-jars"));
        Files.createDirectories(home.resolve("var"));
        // James reads conf/jvm.properties relative to the current directory, so the home is that too.
        ProcessBuilder builder = new ProcessBuilder(javaCommand(), "-Xmx512m",
            "-Dworking.directory=" + home, "-Dlogback.configurationFile=" + conf.resolve("logback.xml"),
            "-cp", String.join(java.io.File.pathSeparator, classpath()), MAIN_CLASS)
            .directory(home.toFile())
            .redirectErrorStream(true)
            .redirectOutput(home.resolve("james.log").toFile());
        return new StockJamesServer(home, smtpPort, webAdminPort, builder.start());
    }

    /** Waits for James's start message; fails with the log when the process ends or time runs out. */
    StockJamesServer awaitStarted(Duration timeout) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!log().contains(STARTED)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("James exited with status " + process.exitValue() + ":\n" + log());
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("James did not start within " + timeout + ":\n" + log());
            }
            Thread.sleep(200);
        }
        return this;
    }

    /** Waits until the log contains {@code text} or the process ends; true when it appeared. */
    boolean awaitLog(String text, Duration timeout) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (log().contains(text)) {
                return true;
            }
            if (!process.isAlive()) {
                return log().contains(text);
            }
            Thread.sleep(200);
        }
        return false;
    }

    String log() throws IOException {
        Path log = home.resolve("james.log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    boolean hasStarted() throws IOException {
        return log().contains(STARTED);
    }

    int smtpPort() {
        return smtpPort;
    }

    int webAdminPort() {
        return webAdminPort;
    }

    Path home() {
        return home;
    }

    /** Stops the server: SIGTERM, then a kill if it does not stop in time. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(Duration.ofSeconds(30).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    private static void copyExtensionJars(Path target) throws IOException {
        Files.createDirectories(target);
        try (Stream<Path> jars = Files.list(preparedDirectory().resolve("extensions-jars"))) {
            for (Path jar : jars.toList()) {
                Files.copy(jar, target.resolve(jar.getFileName()));
            }
        }
    }

    private static String javaCommand() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** A port free at the moment on loopback; the server binds it a few seconds later. */
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String resource(String name) {
        try (InputStream in = StockJamesServer.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
