package dev.postern.delivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.junit.jupiter.api.Test;

import dev.postern.delivery.smtp.Fixtures.MapTable;
import dev.postern.delivery.smtp.SaslPasswords.Credentials;

class SaslPasswordsTest {
    private static final MaybeSender SENDER = MaybeSender.of(addr("alice@example.org"));

    private static MailAddress addr(String text) {
        try {
            return new MailAddress(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void asksSenderThenDomainThenHostThenNextHopOfEveryTableInTurn() throws Exception {
        MapTable first = new MapTable(Map.of());
        MapTable second = new MapTable(Map.of());
        new SaslPasswords(List.of(first, second), true).find(SENDER, "mx.isp.example", "[mx.isp.example]:587");

        List<String> order = List.of("alice@example.org", "@example.org", "mx.isp.example", "[mx.isp.example]:587");
        assertThat(first.asked).isEqualTo(order);
        assertThat(second.asked).isEqualTo(order);
    }

    @Test
    void aLaterKeyInTheFirstTableLosesToAnEarlierKeyInTheSecond() throws Exception {
        MapTable first = new MapTable(Map.of("@example.org", "domain:d", "mx.isp.example", "host:h"));
        MapTable second = new MapTable(Map.of("alice@example.org", "alice:a"));
        assertThat(new SaslPasswords(List.of(first, second), true).find(SENDER, "mx.isp.example", "isp.example"))
            .contains(new Credentials("alice", "a"));
        assertThat(new SaslPasswords(List.of(first, second), false).find(SENDER, "mx.isp.example", "isp.example"))
            .contains(new Credentials("host", "h"));
    }

    @Test
    void theSenderIsAskedOnlyWhenAuthenticationIsSenderDependent() throws Exception {
        MapTable table = new MapTable(Map.of("alice@example.org", "alice:a", "mx.isp.example", "host:h"));

        assertThat(new SaslPasswords(List.of(table), false).find(SENDER, "mx.isp.example", "isp.example"))
            .contains(new Credentials("host", "h"));
        assertThat(new SaslPasswords(List.of(table), true).find(SENDER, "mx.isp.example", "isp.example"))
            .contains(new Credentials("alice", "a"));
        assertThat(new SaslPasswords(List.of(table), true).find(MaybeSender.nullSender(), "other.example", "x"))
            .isEmpty();
    }

    @Test
    void aFirstTableHitWinsOverALaterKeyAndPasswordsKeepTheirColons() throws Exception {
        MapTable table = new MapTable(Map.of("[mx.isp.example]:587", "user:pa:ss", "mx.isp.example", "user2:x"));

        assertThat(new SaslPasswords(List.of(table), false).find(SENDER, "mx.isp.example", "[mx.isp.example]:587"))
            .contains(new Credentials("user2", "x"));
        assertThat(new SaslPasswords(List.of(table), false).find(SENDER, "other.example", "[mx.isp.example]:587"))
            .contains(new Credentials("user", "pa:ss"));
    }
}
