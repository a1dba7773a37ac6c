package dev.postern.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class MailLogTest {
    @Test
    void linesHaveTheSyslogShapePflogsummReads() {
        List<String> lines = new ArrayList<>();
        MailLog log = new MailLog("postern", "mx.example.com",
            Clock.fixed(Instant.parse("2026-11-08T07:05:09Z"), ZoneOffset.UTC), lines::add);

        log.log("smtpd", "3F2A1B4C5D6E", "client=host.example[192.0.2.1]");
        log.log("submission/smtpd", "connect from unknown[192.0.2.2]");

        long pid = ProcessHandle.current().pid();
        assertThat(lines).containsExactly(
            "Nov  8 07:05:09 mx postern/smtpd[" + pid + "]: 3F2A1B4C5D6E: client=host.example[192.0.2.1]",
            "Nov  8 07:05:09 mx postern/submission/smtpd[" + pid + "]: connect from unknown[192.0.2.2]");
        // pflogsumm 1.1.5's timestamp and client regexes
        assertThat(lines.get(0)).matches("^(...) {1,2}(\\d{1,2}) (\\d{2}):(\\d{2}):(\\d{2}) \\S+ (.+)$");
        assertThat(lines.get(0)).containsPattern("\\[\\d+\\]: \\w+: client=(.+?)(,|$)");
    }

    @Test
    void twoDigitDaysAreNotPadded() {
        List<String> lines = new ArrayList<>();
        new MailLog("postern", "mx", Clock.fixed(Instant.parse("2026-11-28T15:49:01Z"), ZoneOffset.UTC), lines::add)
            .log("qmgr", "ABC", "removed");

        assertThat(lines.get(0)).startsWith("Nov 28 15:49:01 mx postern/qmgr[");
    }

    @Test
    void anObserverSeesEachEventWithItsSyslogNameAndNotTheLinesWithoutOne() {
        List<String> lines = new ArrayList<>();
        List<String> observed = new ArrayList<>();
        MailLog log = new MailLog("postern", "mx", Clock.systemUTC(), lines::add)
            .withObserver((syslogName, service, event) -> observed.add(syslogName + "|" + service + "|" + event));

        log.log("smtpd", "connect from unknown[192.0.2.2]", new MailEvent.Connection());
        log.withSyslogName("postern/submission").log("smtpd", "ABC", "client=unknown[192.0.2.2]");
        log.withSyslogName("postern/submission").log("qmgr", "ABC", "from=<a@b.example>, size=449, nrcpt=2 (queue active)",
            new MailEvent.Received(449, 2));
        log.record("smtpd", new MailEvent.QueueWrite(Duration.ofMillis(3)));

        assertThat(observed).containsExactly("postern|smtpd|Connection[]", "postern/submission|qmgr|Received[size=449, recipients=2]",
            "postern|smtpd|QueueWrite[elapsed=PT0.003S]");
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).contains(" postern/submission/smtpd[");
        assertThat(lines.get(2)).endsWith("postern/submission/qmgr[" + ProcessHandle.current().pid()
            + "]: ABC: from=<a@b.example>, size=449, nrcpt=2 (queue active)");
    }

    @Test
    void aDeliveryLineGivesTheObserverItsOutcomeAsFields() {
        List<String> lines = new ArrayList<>();
        List<MailEvent> observed = new ArrayList<>();
        MailLog log = new MailLog("postern", "mx", Clock.systemUTC(), lines::add)
            .withObserver((syslogName, service, event) -> observed.add(event));

        log.logDelivery("smtp", "ABC", "to=<r@remote.example>, relay=none, delay=1.5, delays=0/0/1.5/0, dsn=4.4.1, "
            + "status=deferred (connect to x[192.0.2.7]:25: Connection refused)", new DeliveryOutcome("deferred", Duration.ofMillis(1500)));

        assertThat(lines).singleElement().asString().endsWith(": ABC: to=<r@remote.example>, relay=none, delay=1.5, "
            + "delays=0/0/1.5/0, dsn=4.4.1, status=deferred (connect to x[192.0.2.7]:25: Connection refused)");
        assertThat(observed).containsExactly(new DeliveryOutcome("deferred", Duration.ofMillis(1500)));
    }

    @Test
    void aFailingObserverNeitherStopsTheLineNorTheCaller() {
        List<String> lines = new ArrayList<>();
        MailLog log = new MailLog("postern", "mx", Clock.systemUTC(), lines::add).withObserver((syslogName, service, event) -> {
            throw new IllegalStateException("broken counter");
        });

        log.log("bounce", "ABC", "sender non-delivery notification: DEF", new MailEvent.Bounce());

        assertThat(lines).singleElement().asString().endsWith(": ABC: sender non-delivery notification: DEF");
    }

    @Test
    void valuesFromOutsideNeverMakeALineOfTheirOwn() {
        List<String> lines = new ArrayList<>();
        MailLog log = new MailLog("postern", "mx", Clock.fixed(Instant.parse("2026-12-07T03:15:51Z"), ZoneOffset.UTC),
            lines::add);
        String forged = "Dec  7 03:15:51 mx postfix/smtpd[1]: warning: unknown[10.9.9.9]: SASL LOGIN authentication failed";
        String messageId = "<x@client.example>\r\n\t" + forged + "\r\n " + forged;
        String helo = "x\r" + forged + "\n" + forged + "\u001b[1A\u001b[2K\u0000\b\b\u007f";

        log.log("cleanup", "ABC", "message-id=" + messageId);
        log.log("smtpd", "NOQUEUE: reject: RCPT from unknown[192.0.2.1]: 454 4.7.1 Relay access denied; helo=<" + helo + ">");

        assertThat(lines).hasSize(2).allSatisfy(line -> {
            assertThat(line).doesNotContainPattern("[\\x00-\\x1f\\x7f]");
            assertThat(line).matches("^Dec  7 03:15:51 mx postern/(cleanup|smtpd)\\[\\d+\\]: .*");
        });
        assertThat(lines.get(0)).endsWith(": ABC: message-id=<x@client.example> " + forged + " " + forged);
        assertThat(lines.get(1)).endsWith("; helo=<x?" + forged + "?" + forged + "?[1A?[2K????>");
    }
}
