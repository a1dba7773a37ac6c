package dev.postern.app.queue;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.mailet.PerRecipientHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.ObjectMapper;

class EnvelopeCodecTest {
    private static final String ID = "0190c3f2a1b4-00000007-5e1f0c2a9d3b";

    private final EnvelopeCodec codec = new EnvelopeCodec();

    @Test
    void encodesEveryFieldAndReadsItBack() throws Exception {
        MailAddress bob = new MailAddress("bob@example.net");
        Envelope envelope = new Envelope(ID, Optional.of("0190c3f2a1b4-00000006-5e1f0c2a9d3b"),
            new MailSnapshot("3F2A1B4C5D", Optional.of("root"), MaybeSender.of(new MailAddress("alice@example.com")),
                List.of(bob, new MailAddress("\"quoted local\"@example.org")),
                Optional.of("client.example.com"), Optional.of("192.0.2.1"), Optional.of("multi\nline"),
                Optional.of(Instant.parse("2024-07-01T10:15:30.120Z")),
                Map.of("a", new ObjectMapper().readTree("{\"serializer\":\"StringSerializer\",\"value\":\"v\"}")),
                Map.of(bob, List.of(PerRecipientHeaders.Header.builder().name("X-A").value("1").build()))),
            Instant.parse("2024-07-01T10:15:30.123Z"), Instant.parse("2024-07-01T11:15:30.123Z"), 3);

        byte[] bytes = codec.encode(envelope);

        assertThat(codec.decode(ID, bytes)).isEqualTo(envelope);
        assertThat(new ObjectMapper().readTree(bytes).get("attributes").get("a").get("value").asText()).isEqualTo("v");
    }

    @Test
    void absentSenderIsTheNullSenderAndAbsentContentIsNoMessage() throws Exception {
        String json = "{\"format\":1,\"enqueuedAt\":\"2024-07-01T10:15:30Z\",\"nextDelivery\":\"2024-07-01T10:15:30Z\","
            + "\"name\":\"bounce\",\"recipients\":[\"bob@example.net\"],\"futureField\":true}";

        Envelope envelope = codec.decode(ID, json.getBytes(UTF_8));

        assertThat(envelope.mail().sender()).isEqualTo(MaybeSender.nullSender());
        assertThat(envelope.contentId()).isEmpty();
        assertThat(envelope.attempts()).isZero();
        assertThat(envelope.mail().attributes()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "[]",
        "{\"format\": 1, \"name\": ",
        "{\"format\":2,\"enqueuedAt\":\"2024-07-01T10:15:30Z\",\"nextDelivery\":\"2024-07-01T10:15:30Z\",\"name\":\"n\",\"recipients\":[]}",
        "{\"format\":1,\"nextDelivery\":\"2024-07-01T10:15:30Z\",\"name\":\"n\",\"recipients\":[]}",
        "{\"format\":1,\"enqueuedAt\":\"yesterday\",\"nextDelivery\":\"2024-07-01T10:15:30Z\",\"name\":\"n\",\"recipients\":[]}",
        "{\"format\":1,\"enqueuedAt\":\"2024-07-01T10:15:30Z\",\"nextDelivery\":\"2024-07-01T10:15:30Z\",\"name\":\"n\",\"recipients\":[\"not an address\"]}",
        "{\"format\":1,\"enqueuedAt\":\"2024-07-01T10:15:30Z\",\"nextDelivery\":\"2024-07-01T10:15:30Z\",\"name\":\"n\",\"recipients\":\"bob@example.net\"}",
    })
    void refusesWhatIsNotAnEnvelopeNamingIt(String json) {
        assertThatThrownBy(() -> codec.decode(ID, json.getBytes(UTF_8)))
            .isInstanceOf(IOException.class)
            .satisfiesAnyOf(
                e -> assertThat(e).hasMessageContaining(ID),
                e -> assertThat(e).isInstanceOf(com.fasterxml.jackson.core.JsonProcessingException.class));
    }
}
