package dev.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.junit.jupiter.api.Test;

import dev.postern.config.MainCf;
import dev.postern.config.SmtpdListeners;
import dev.postern.log.MailLog;

/** smtpd's log lines under each listener's syslog_name, as master.cf's -o syslog_name= does. */
class SmtpdLogTest {
    @Test
    void eachListenerLogsUnderItsOwnSyslogName() throws Exception {
        List<String> lines = new ArrayList<>();
        MainCf mainCf = MainCf.parse("main.cf", List.of("myhostname = mx.example.com", "syslog_name = postern"), Map.of());
        HookEnvironment environment = new HookEnvironment(mainCf,
            new MailLog("postern", "mx.example.com", Clock.systemUTC(), lines::add));
        environment.setListeners(new SmtpdListeners(List.of(new SmtpdListeners.Listener("submission", 587,
            mainCf.withOverrides(Map.of("syslog_name", "postern/submission"), "smtpserver.xml: listener submission")))));
        SmtpdLog log = environment.smtpdLog(new BaseHierarchicalConfiguration(), new RecipientLimitHook(environment));

        log.log(FakeSmtpSession.client("192.0.2.10").onPort(25).session(), "connect from a");
        log.log(FakeSmtpSession.client("192.0.2.10").onPort(587).session(), "4ABCDEF", "client=b");

        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).matches(".* mx postern/smtpd\\[\\d+\\]: connect from a");
        assertThat(lines.get(1)).matches(".* mx postern/submission/smtpd\\[\\d+\\]: 4ABCDEF: client=b");
    }
}
