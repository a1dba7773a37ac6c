package dev.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

/** The queue ID belongs to the transaction: RSET and the end of DATA forget it. */
class SessionQueueIdTest {
    @Test
    void theQueueIdAndArrivalLastAsLongAsTheTransaction() {
        FakeSmtpSession fake = FakeSmtpSession.client("192.0.2.10");
        Instant arrival = Instant.parse("2026-01-01T00:00:00Z");
        assertThat(SessionQueueId.get(fake.session())).isEmpty();

        SessionQueueId.set(fake.session(), "4ABCDEF", arrival);
        assertThat(SessionQueueId.get(fake.session())).contains("4ABCDEF");
        assertThat(SessionQueueId.arrival(fake.session())).contains(arrival);

        fake.resetTransaction();
        assertThat(SessionQueueId.get(fake.session())).isEmpty();
        assertThat(SessionQueueId.arrival(fake.session())).isEmpty();
    }
}
