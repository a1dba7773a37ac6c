package dev.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.postern.config.MainCf;
import dev.postern.config.SmtpdListeners;

/** smtpd_tls_security_level = encrypt: no MAIL FROM before STARTTLS, per listener. */
class TlsRequiredHookTest {
    private static final int SUBMISSION = 587;

    @ParameterizedTest(name = "main.cf {0}, port {1}, TLS {2}: {3}")
    @CsvSource({
        "may,     25, false, DECLINED",
        "may,    587, false, 530 5.7.0 Must issue a STARTTLS command first",
        "may,    587, true,  DECLINED",
        "encrypt, 25, false, 530 5.7.0 Must issue a STARTTLS command first",
        "ENCRYPT, 25, false, 530 5.7.0 Must issue a STARTTLS command first",
        "encrypt, 25, true,  DECLINED",
        "none,    25, false, DECLINED",
    })
    void mailBeforeStarttlsIsRefusedWhereEncryptionIsRequired(String level, int port, boolean tls, String expected)
            throws Exception {
        MainCf mainCf = MainCf.parse("main.cf", List.of("smtpd_tls_security_level = " + level), Map.of());
        HookEnvironment environment = new HookEnvironment(mainCf, null);
        environment.setListeners(new SmtpdListeners(List.of(new SmtpdListeners.Listener("submission", SUBMISSION,
            mainCf.withOverrides(Map.of("smtpd_tls_security_level", "encrypt"), "smtpserver.xml: listener submission")))));
        TlsRequiredHook hook = new TlsRequiredHook(environment);
        hook.init(new BaseHierarchicalConfiguration());

        HookResult result = hook.doMail(FakeSmtpSession.client("192.0.2.10").onPort(port).tls(tls).session(),
            MaybeSender.nullSender());

        if (expected.equals("DECLINED")) {
            assertThat(result).isEqualTo(HookResult.DECLINED);
        } else {
            assertThat(result.getResult()).isEqualTo(HookReturnCode.deny());
            assertThat(result.getSmtpRetCode() + " " + result.getSmtpDescription()).isEqualTo(expected);
        }
    }
}
