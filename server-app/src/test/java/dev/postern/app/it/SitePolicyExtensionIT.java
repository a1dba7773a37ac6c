package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.SmtpClient;
import dev.postern.app.harness.ClientReply;
import dev.postern.app.harness.TestMessages;
import dev.postern.testing.smtp.SinkMessage;
import dev.postern.testing.smtp.SmtpSink;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Site policy the James way: an operator's own mailet and matcher, compiled into a jar that is dropped
 * into the home's {@code extensions-jars/} and named by fully-qualified class name in
 * {@code conf/mailetcontainer.xml}, act on mail. The sources live under {@code src/test/resources}, so
 * only the jar brings the classes into the server.
 */
class SitePolicyExtensionIT {

    private static final Duration DELIVERY = Duration.ofSeconds(60);
    private static final String SOURCE_ROOT = "site-policy/src/";
    private static final List<String> SOURCES = List.of(
            "com/example/policy/SubjectTagMailet.java",
            "com/example/policy/SenderDomainIs.java",
            "com/example/policy/AcceptEveryRecipientHook.java");
    static final String POLICY_MAILET = "<mailet match=\"com.example.policy.SenderDomainIs=policy.example\""
            + " class=\"com.example.policy.SubjectTagMailet\"><tag>[policy]</tag></mailet>";

    private static final Pattern TRANSPORT_PROCESSOR =
            Pattern.compile("<processor\\s[^>]*\\bstate\\s*=\\s*[\"']transport[\"']");
    private static final Pattern NEXT_PROCESSOR = Pattern.compile("<processor\\s[^>]*\\bstate\\s*=|</processors>");
    /** The queue manager mailet, which delivers: the policy must act before it. */
    private static final Pattern RELAY_STEP = Pattern.compile(
            "<mailet\\b[^>]*class=\"dev\\.postern\\.qmgr\\.QueueManager\"", Pattern.DOTALL);

    @RegisterExtension
    final PosternExtension postern = new PosternExtension();

    @TempDir
    Path build;

    @Test
    void mailetAndMatcherFromExtensionJarActOnMail() throws IOException {
        assertThatThrownBy(() -> Class.forName("com.example.policy.SubjectTagMailet"))
                .as("the policy classes must reach the server only through the jar")
                .isInstanceOf(ClassNotFoundException.class);
        Path jar = buildPolicyJar();

        SmtpSink sink = postern.newSink();
        PosternProcess server = postern.newServer().myhostname("mx.policy-it.test").relayhost(sink);
        Files.copy(jar, server.home().resolve("extensions-jars").resolve("site-policy.jar"));
        String distributed = Files.readString(server.distribution().resolve("conf").resolve("mailetcontainer.xml"),
                StandardCharsets.UTF_8);
        server.writeConfFile("mailetcontainer.xml", withSitePolicy(distributed));
        server.start();

        try (SmtpClient client = server.connect()) {
            assertThat(client.ehlo("client.example").code()).isEqualTo(250);
            ClientReply policy = client.sendMail("alice@policy.example", "carol@remote.example",
                    TestMessages.withToken("alice@policy.example", "carol@remote.example", "policy-1", "hello\r\n"));
            assertThat(policy.code()).as("%s", policy).isEqualTo(250);
            ClientReply other = client.sendMail("bob@other.example", "dave@remote.example",
                    TestMessages.withToken("bob@other.example", "dave@remote.example", "other-1", "hello\r\n"));
            assertThat(other.code()).as("%s", other).isEqualTo(250);
            client.quit();
        }

        List<SinkMessage> messages = sink.awaitMessages(2, DELIVERY);
        SinkMessage tagged = from(messages, "alice@policy.example", server);
        SinkMessage untouched = from(messages, "bob@other.example", server);

        assertThat(tagged.recipients()).containsExactly("carol@remote.example");
        assertThat(tagged.headerValues("Subject")).as("headers %s", tagged.headers())
                .singleElement().asString()
                .startsWith("[policy] ")
                .isEqualTo("[policy] postern-it token policy-1");
        assertThat(tagged.headerValues("X-Site-Policy")).containsExactly("tagged");
        assertThat(tagged.body()).isEqualTo("hello\r\n");

        assertThat(untouched.recipients()).containsExactly("dave@remote.example");
        assertThat(untouched.headerValues("Subject")).as("headers %s", untouched.headers())
                .containsExactly("postern-it token other-1");
        assertThat(untouched.headerValues("X-Site-Policy")).isEmpty();
        assertThat(untouched.body()).isEqualTo("hello\r\n");

        assertThat(diagnostics(server)).as("console and var/log of %s", server.name())
                .doesNotContain("ClassNotFoundException");
    }

    @Test
    void aSiteRcptHookThatAcceptsEverythingCannotOpenTheRelay() throws IOException {
        Path jar = buildPolicyJar();
        SmtpSink sink = postern.newSink();
        String h = "mx.policy-it.test";
        PosternProcess server = postern.newServer().myhostname(h).relayhost(sink).mynetworks("127.0.0.1/32");
        Files.copy(jar, server.home().resolve("extensions-jars").resolve("site-policy.jar"));
        String chain = "<handlerchain enableJmx=\"false\" coreHandlersPackage=\"dev.postern.smtpd.PosternCmdHandlerLoader\"/>";
        String distributed = Files.readString(server.distribution().resolve("conf").resolve("smtpserver.xml"));
        assertThat(distributed).as("the MX listener's handler chain to extend").contains(chain);
        server.writeConfFile("smtpserver.xml", distributed.replaceFirst(java.util.regex.Pattern.quote(chain),
            java.util.regex.Matcher.quoteReplacement(chain.replace("/>", ">")
                + "<handler class=\"com.example.policy.AcceptEveryRecipientHook\"/></handlerchain>")));
        server.start();

        try (SmtpClient client = server.connectFrom("127.0.0.2")) {
            client.ehlo("outsider.example");
            assertThat(client.mailFrom("spammer@outsider.example").code()).isEqualTo(250);
            assertThat(client.rcptTo("relaytest@victim.example").full())
                .isEqualTo("554 5.7.1 <relaytest@victim.example>: Relay access denied");
            assertThat(client.rcptTo("relaytest%victim.example@" + h).full())
                .isEqualTo("554 5.7.1 <relaytest%victim.example@" + h + ">: Relay access denied");
            assertThat(client.rcptTo("postmaster@" + h).full()).as("a local recipient needs no relay permission")
                .isEqualTo("250 2.1.5 Ok");
            client.quit();
        }
        try (SmtpClient client = server.connect()) {
            client.ehlo("client.example");
            assertThat(client.sendMail("alice@client.example", "carol@remote.example",
                TestMessages.withToken("alice@client.example", "carol@remote.example", "trusted-1", "hi\r\n")).code())
                .as("mynetworks still relays").isEqualTo(250);
        }
        assertThat(sink.awaitMessages(1, DELIVERY).get(0).recipients()).containsExactly("carol@remote.example");
        server.awaitMaillogLine("the guard's reject line", Duration.ofSeconds(10), line -> line.contains(
            "NOQUEUE: reject: RCPT from unknown[127.0.0.2]: 554 5.7.1 <relaytest@victim.example>: Relay access denied;"
                + " from=<spammer@outsider.example> to=<relaytest@victim.example> proto=ESMTP helo=<outsider.example>"));
    }

    /**
     * The distribution's pipeline with the policy mailet inserted in the {@code transport} processor just
     * before the queue manager, which delivers, on a line of its own with the same indentation.
     */
    static String withSitePolicy(String xml) {
        Matcher transport = TRANSPORT_PROCESSOR.matcher(xml);
        if (!transport.find()) {
            throw new AssertionError("no <processor state=\"transport\"> in the distribution's mailetcontainer.xml;"
                    + " this test needs a new anchor for the site-policy mailet:\n" + xml);
        }
        Matcher next = NEXT_PROCESSOR.matcher(xml);
        int end = next.find(transport.end()) ? next.start() : xml.length();
        Matcher relay = RELAY_STEP.matcher(xml).region(transport.end(), end);
        if (!relay.find()) {
            throw new AssertionError("no QueueManager mailet in the transport processor"
                    + " of the distribution's mailetcontainer.xml; this test needs a new anchor:\n"
                    + xml.substring(transport.start(), end));
        }
        int lineStart = xml.lastIndexOf('\n', relay.start()) + 1;
        String indent = xml.substring(lineStart, relay.start());
        if (!indent.isBlank()) {
            throw new AssertionError("the relay step does not start its own line: " + xml.substring(lineStart, relay.end()));
        }
        return xml.substring(0, lineStart)
                + indent + "<!-- site policy from extensions-jars/site-policy.jar (SitePolicyExtensionIT) -->\n"
                + indent + POLICY_MAILET + "\n"
                + xml.substring(lineStart);
    }

    /** Compiles the policy sources from the test resources and packages them as an operator would. */
    private Path buildPolicyJar() throws IOException {
        Path sources = build.resolve("src");
        Path classes = build.resolve("classes");
        Files.createDirectories(classes);
        List<Path> files = new ArrayList<>();
        for (String source : SOURCES) {
            Path file = sources.resolve(source);
            Files.createDirectories(file.getParent());
            try (InputStream in = getClass().getClassLoader().getResourceAsStream(SOURCE_ROOT + source)) {
                if (in == null) {
                    throw new AssertionError("test resource " + SOURCE_ROOT + source + " is missing");
                }
                Files.copy(in, file);
            }
            files.add(file);
        }

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac).as("a system Java compiler (the tests must run on a JDK)").isNotNull();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        boolean compiled;
        try (StandardJavaFileManager fileManager = javac.getStandardFileManager(diagnostics, Locale.ROOT,
                StandardCharsets.UTF_8)) {
            List<String> options = List.of("--release", "17", "-proc:none", "-encoding", "UTF-8",
                    "-classpath", compileClasspath(), "-d", classes.toString());
            compiled = javac.getTask(null, fileManager, diagnostics, options, null,
                    fileManager.getJavaFileObjectsFromPaths(files)).call();
        }
        String messages = diagnostics.getDiagnostics().stream()
                .map(d -> d.getKind() + " " + (d.getSource() == null ? "" : d.getSource().getName() + ":" + d.getLineNumber())
                        + " " + d.getMessage(Locale.ROOT))
                .collect(Collectors.joining("\n"));
        assertThat(compiled).as("compiling the site-policy sources:\n%s", messages).isTrue();
        assertThat(diagnostics.getDiagnostics()).as("compiler errors:\n%s", messages)
                .noneMatch(d -> d.getKind() == Diagnostic.Kind.ERROR);

        Path jar = build.resolve("site-policy.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        List<Path> entries;
        try (Stream<Path> walk = Files.walk(classes)) {
            entries = walk.filter(p -> !p.equals(classes)).sorted().collect(Collectors.toList());
        }
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jarOut = new JarOutputStream(out, manifest)) {
            for (Path entry : entries) {
                String name = classes.relativize(entry).toString().replace(File.separatorChar, '/');
                if (Files.isDirectory(entry)) {
                    jarOut.putNextEntry(new JarEntry(name + "/"));
                } else {
                    jarOut.putNextEntry(new JarEntry(name));
                    Files.copy(entry, jarOut);
                }
                jarOut.closeEntry();
            }
        }
        assertThat(entries).extracting(p -> classes.relativize(p).toString().replace(File.separatorChar, '/'))
                .contains("com/example/policy/SubjectTagMailet.class", "com/example/policy/SenderDomainIs.class");
        return jar;
    }

    /**
     * The test JVM's class path, which holds the mailet API. Under a manifest-only booter jar that is one jar
     * whose manifest names the rest, so the real test class path and the jars of the API classes are added.
     */
    private static String compileClasspath() {
        Set<String> entries = new LinkedHashSet<>();
        for (String property : List.of("java.class.path", "surefire.test.class.path")) {
            String value = System.getProperty(property);
            if (value != null && !value.isBlank()) {
                for (String entry : value.split(File.pathSeparator)) {
                    if (!entry.isBlank()) {
                        entries.add(entry);
                    }
                }
            }
        }
        for (Class<?> api : List.of(org.apache.mailet.Mail.class, org.apache.mailet.base.GenericMailet.class,
                org.apache.james.core.MailAddress.class, javax.mail.internet.MimeMessage.class,
                org.apache.james.protocols.smtp.hook.RcptHook.class, org.apache.james.protocols.api.ProtocolSession.class)) {
            try {
                entries.add(Path.of(api.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            } catch (Exception e) {
                // a class without a code source (e.g. from the boot class path) needs no entry
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private static SinkMessage from(List<SinkMessage> messages, String sender, PosternProcess server) {
        List<SinkMessage> found = messages.stream().filter(m -> sender.equals(m.sender())).collect(Collectors.toList());
        assertThat(found).as("messages from <%s> at the sink among %s\n%s", sender, messages, server.describe())
                .hasSize(1);
        return found.get(0);
    }

    /** The console and every file under var/log (the diagnostic log postern.log among them). */
    private static String diagnostics(PosternProcess server) {
        StringBuilder text = new StringBuilder(server.console());
        Path logs = server.varDir().resolve("log");
        if (Files.isDirectory(logs)) {
            try (Stream<Path> files = Files.list(logs)) {
                for (Path file : files.filter(Files::isRegularFile).sorted().collect(Collectors.toList())) {
                    if (!file.getFileName().toString().endsWith(".gz")) {
                        text.append("\n--- ").append(file.getFileName()).append(" ---\n")
                                .append(Files.readString(file, StandardCharsets.UTF_8));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return text.toString();
    }
}
