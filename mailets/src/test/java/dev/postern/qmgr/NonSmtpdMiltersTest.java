package dev.postern.qmgr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.james.core.MailAddress;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.Test;

import dev.postern.config.ComponentParameters;
import dev.postern.config.MainCf;
import dev.postern.queue.MailAttributes;

/** non_smtpd_milters and internal_mail_filter_classes: which of Postern's own mail the filters see. */
class NonSmtpdMiltersTest {
    private static NonSmtpdMilters of(String... lines) throws Exception {
        MainCf mainCf = MainCf.parse("main.cf", List.of(lines), Map.of());
        return NonSmtpdMilters.of(ComponentParameters.of(mainCf, name -> Optional.empty(), "QueueManager"));
    }

    private static Mail mail(String internalClass) throws Exception {
        MailImpl mail = MailImpl.builder().name("M1").addRecipient(new MailAddress("alice@example.com")).build();
        if (internalClass != null) {
            mail.setAttribute(new Attribute(MailAttributes.INTERNAL_MAIL_CLASS, AttributeValue.of(internalClass)));
        }
        return mail;
    }

    @Test
    void onlyPosternsOwnMailOfANamedClassIsShownToTheFilters() throws Exception {
        NonSmtpdMilters bounces = of("non_smtpd_milters = inet:127.0.0.1:8891", "internal_mail_filter_classes = bounce");

        assertThat(bounces.applies(mail("bounce"))).isTrue();
        assertThat(bounces.applies(mail(null))).as("smtpd, forwarded or requeued mail").isFalse();
        assertThat(bounces.applies(mail("notify"))).isFalse();
    }

    @Test
    void postfixsDefaultFiltersNothing() throws Exception {
        assertThat(of("non_smtpd_milters = inet:127.0.0.1:8891").applies(mail("bounce")))
            .as("internal_mail_filter_classes is empty by default").isFalse();
        assertThat(of("internal_mail_filter_classes = bounce").applies(mail("bounce")))
            .as("no non_smtpd_milters").isFalse();
    }

    @Test
    void badSettingsNameTheirParameter() {
        assertThatThrownBy(() -> of("non_smtpd_milters = inet:127.0.0.1:8891", "internal_mail_filter_classes = bounce, spam"))
            .hasMessageContaining("internal_mail_filter_classes: unknown class \"spam\"");
        assertThatThrownBy(() -> of("non_smtpd_milters = 8891@localhost"))
            .hasMessageContaining("expected inet:host:port or unix:/path");
        assertThatThrownBy(() -> of("non_smtpd_milters = { inet:127.0.0.1:8891, default_action = maybe }"))
            .hasMessageContaining("milter_default_action = maybe");
    }
}
