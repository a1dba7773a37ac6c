package dev.postern.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
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
    void anObserverSeesEachLineAndIsKeptUnderAnotherSyslogName() {
        List<String> lines = new ArrayList<>();
        List<String> observed = new ArrayList<>();
        MailLog log = new MailLog("postern", "mx", Clock.systemUTC(), lines::add)
            .withObserver((service, text) -> observed.add(service + "|" + text));

        log.log("smtpd", "connect from unknown[192.0.2.2]");
        log.withSyslogName("postern/submission").log("smtpd", "ABC", "client=unknown[192.0.2.2]");

        assertThat(observed).containsExactly("smtpd|connect from unknown[192.0.2.2]", "smtpd|ABC: client=unknown[192.0.2.2]");
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).contains(" postern/submission/smtpd[");
    }

    @Test
    void aFailingObserverNeitherStopsTheLineNorTheCaller() {
        List<String> lines = new ArrayList<>();
        MailLog log = new MailLog("postern", "mx", Clock.systemUTC(), lines::add).withObserver((service, text) -> {
            throw new IllegalStateException("broken counter");
        });

        log.log("qmgr", "ABC", "removed");

        assertThat(lines).singleElement().asString().endsWith(": ABC: removed");
    }
}
