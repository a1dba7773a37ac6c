package dev.postern.delivery.bounce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.postern.config.ComponentParameters;
import dev.postern.config.MainCf;

class NotifierSettingsTest {
    @Test
    void defaultsAreQualifiedWithMyorigin() throws Exception {
        NotifierSettings settings = settings("myorigin = example.com");

        assertThat(settings.bounceNoticeRecipient().asString()).isEqualTo("postmaster@example.com");
        assertThat(settings.twoBounceNoticeRecipient().asString()).isEqualTo("postmaster@example.com");
        assertThat(settings.delayNoticeRecipient().asString()).isEqualTo("postmaster@example.com");
        assertThat(settings.doubleBounceSender().asString()).isEqualTo("double-bounce@example.com");
        assertThat(settings.bounceSizeLimit()).isEqualTo(50000);
        assertThat(settings.maximalQueueLifetime()).isEqualTo(Duration.ofDays(5));
        assertThat(settings.mailName()).isEqualTo("Postern");
        assertThat(settings.notifies("bounce")).isFalse();
        assertThat(settings.notifies("software")).isTrue();
    }

    @Test
    void notifyClassesAreCaseInsensitiveAndQualifiedAddressesKept() throws Exception {
        NotifierSettings settings = settings("notify_classes = Bounce, 2BOUNCE", "bounce_notice_recipient = ops@ops.example");

        assertThat(settings.notifies("bounce")).isTrue();
        assertThat(settings.notifies("2bounce")).isTrue();
        assertThat(settings.notifies("delay")).isFalse();
        assertThat(settings.bounceNoticeRecipient().asString()).isEqualTo("ops@ops.example");
    }

    @Test
    void aBadAddressNamesItsParameter() {
        assertThatThrownBy(() -> settings("2bounce_notice_recipient = a b@c"))
            .hasMessageContaining("2bounce_notice_recipient")
            .hasMessageContaining("a b@c");
    }

    @ParameterizedTest
    @CsvSource({"PT4H, 4 hour(s)", "PT120H, 5 day(s)", "PT90M, 90 minute(s)", "PT45S, 45 second(s)", "PT0S, 0 second(s)"})
    void spansAreWordedAsPostfixDoes(Duration duration, String words) {
        assertThat(DeliveryReport.span(duration)).isEqualTo(words);
    }

    private static NotifierSettings settings(String... lines) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of("myhostname = mx.example.com"));
        all.addAll(List.of(lines));
        return NotifierSettings.from(ComponentParameters.of(MainCf.parse("main.cf", all, Map.of()), name -> Optional.empty(), "test"));
    }
}
