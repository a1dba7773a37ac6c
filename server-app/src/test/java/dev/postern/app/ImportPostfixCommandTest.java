package dev.postern.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImportPostfixCommandTest {
    @TempDir
    Path conf;

    @Test
    void eachMasterCfServiceByWhatItBecame() throws IOException {
        Path masterCf = conf.resolve("master.cf");
        Files.writeString(masterCf, String.join("\n",
            "smtp      inet  n       -       y       -       -       smtpd",
            "submission inet n       -       y       -       -       smtpd",
            "  -o syslog_name=postfix/submission -o smtpd_tls_security_level=encrypt",
            "pickup    unix  n       -       y       60      1       pickup",
            "qmgr      unix  n       -       n       300     1       qmgr",
            "dovecot   unix  -       n       n       -       -       pipe",
            "  flags=DRhu user=vmail argv=/usr/lib/dovecot/deliver -f ${sender} -d ${recipient}",
            "qmqp      inet  n       -       y       -       -       qmqpd",
            ""));

        assertThat(ImportPostfixCommand.masterCfLines(masterCf)).containsExactly(
            "master.cf: 6 services",
            "  SMTP listeners: smtp, submission (2 -o)",
            "  transports: dovecot",
            "  Postfix's own daemons, whose work Postern does inside the server: pickup, qmgr",
            "  NOT run by Postern: qmqp");
    }

    @Test
    void withoutMasterCfTheListenersAreTheHomesOwn() {
        assertThat(ImportPostfixCommand.masterCfLines(conf.resolve("master.cf")))
            .containsExactly("master.cf: none (the listeners are those of postern_*_listen and smtpserver.xml)");
    }
}
