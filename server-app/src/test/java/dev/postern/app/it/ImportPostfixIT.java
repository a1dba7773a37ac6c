package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.postern.app.harness.ExitResult;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.SmtpClient;
import dev.postern.app.harness.TestMessages;
import dev.postern.testing.smtp.SinkMessage;
import dev.postern.testing.smtp.SmtpSink;

/**
 * {@code postern import-postfix} on a Postfix directory made of Debian's default main.cf with a
 * virtual alias table (its source and a compiled {@code .db} beside it, as postmap leaves them): a
 * milter of a kind Postern lacks is named and the import exits 1; without it, and with Debian's
 * master.cf, the import exits 0, and the
 * server started on the imported configuration rewrites through the copied table and relays.
 */
class ImportPostfixIT {
    private static final Path DEBIAN_MAIN_CF = Path.of("/usr/share/postfix/main.cf.debian");
    private static final Path DEBIAN_MASTER_CF = Path.of("/usr/share/postfix/master.cf.dist");
    private static final Duration DELIVERY = Duration.ofSeconds(60);

    @RegisterExtension
    final PosternExtension postern = new PosternExtension();

    @Test
    void aPostfixDirectoryIsImportedReportedAndRuns() throws IOException {
        assumeTrue(Files.isReadable(DEBIAN_MAIN_CF), "Debian's Postfix package is not installed");
        SmtpSink sink = postern.newSink();
        PosternProcess server = postern.newServer().myhostname("mx.import-it.test").relayhost(sink);
        Path postfix = Files.createDirectories(server.home().resolveSibling(server.home().getFileName() + "-etc-postfix"));
        String debian = Files.readString(DEBIAN_MAIN_CF, StandardCharsets.UTF_8);
        String tables = "\nvirtual_alias_maps = hash:" + postfix + "/virtual\n";
        Files.writeString(postfix.resolve("main.cf"), debian + tables + "smtpd_proxy_filter = 127.0.0.1:10024\n");
        Files.writeString(postfix.resolve("virtual"), "info@import-it.test bob@remote.example\n");
        Files.writeString(postfix.resolve("virtual.db"), "compiled by postmap");

        ExitResult refused = server.runCommand("import-postfix", postfix.toString());

        assertThat(refused.exitCode()).as("%s", refused).isEqualTo(1);
        assertThat(refused.stdoutLines()).as("%s", refused)
            .contains("postern import-postfix: " + postfix + " -> " + server.confDir())
            .anyMatch(line -> line.startsWith("  not implemented: smtpd_proxy_filter (line ")
                && line.contains("stops a start unless postern_allow_unimplemented = yes"))
            .anyMatch(line -> line.startsWith("  inert: ") && line.contains("biff"))
            .contains("  hash:" + server.confDir() + "/virtual: supported")
            .anyMatch(line -> line.startsWith("  postern: fatal: ") && line.contains("smtpd_proxy_filter"))
            .last().asString().contains("would stop a start");

        Files.writeString(postfix.resolve("main.cf"), debian + tables);
        Files.copy(DEBIAN_MASTER_CF, postfix.resolve("master.cf"));
        ExitResult imported = server.runCommand("import-postfix", postfix.toString());

        assertThat(imported.exitCode()).as("%s", imported).isZero();
        assertThat(imported.stdoutLines()).as("%s", imported)
            .contains("files: 3 copied; 1 compiled tables left behind (Postern reads their sources): virtual.db",
                "  SMTP listeners: smtp",
                "paths: 1 in main.cf and master.cf now point into conf/ instead of " + postfix)
            .anyMatch(line -> line.startsWith("kept: the home's former ") && line.contains("main.cf"))
            .last().asString().isEqualTo("postern import-postfix: a start would run this configuration");
        assertThat(server.confDir().resolve("virtual.db")).doesNotExist();
        assertThat(Files.readString(server.mainCf())).contains("virtual_alias_maps = hash:" + server.confDir() + "/virtual");

        server.start();
        try (SmtpClient client = server.connect()) {
            client.ehlo("client.example");
            assertThat(client.sendMail("alice@client.example", "info@import-it.test",
                TestMessages.withToken("alice@client.example", "info@import-it.test", "imported-1", "hello\r\n")).code())
                .isEqualTo(250);
            client.quit();
        }
        SinkMessage relayed = sink.awaitMessages(1, DELIVERY).get(0);
        assertThat(TestMessages.token(relayed)).contains("imported-1");
        assertThat(relayed.recipients()).containsExactly("bob@remote.example");
    }
}
