package dev.postern.app.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.Optional;

import org.apache.james.core.MailAddress;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.DsnParameters;
import org.apache.mailet.DsnParameters.Notify;
import org.apache.mailet.DsnParameters.RecipientDsnParameters;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class EnvelopeDsnTest {
    private static final String ID = "0190c3f2a1b4-00000007-5e1f0c2a9d3b";

    private final EnvelopeCodec codec = new EnvelopeCodec();

    @Test
    void dsnParametersSurviveTheEnvelopeFile() throws Exception {
        MailAddress bob = new MailAddress("bob@example.net");
        MailAddress carol = new MailAddress("carol@example.net");
        DsnParameters dsn = DsnParameters.builder()
            .envId(DsnParameters.EnvId.of("QQ314159"))
            .ret(DsnParameters.Ret.HDRS)
            .addRcptParameter(bob, RecipientDsnParameters.of(EnumSet.of(Notify.SUCCESS, Notify.FAILURE),
                new MailAddress("b@x.example")))
            .addRcptParameter(carol, RecipientDsnParameters.of(EnumSet.of(Notify.NEVER)))
            .build().orElseThrow();
        MailImpl mail = MailImpl.builder().name("3F2A1B4C5D").sender("alice@example.com").addRecipients(bob, carol).build();
        mail.setDsnParameters(dsn);
        // what James's DSNMessageHook adds beside the parameters
        ZonedDateTime arrival = ZonedDateTime.parse("2024-07-01T10:15:29.500Z");
        mail.setAttribute(new Attribute(AttributeName.of("dsn-arrival-date"), AttributeValue.of(arrival)));
        Instant now = Instant.parse("2024-07-01T10:15:30.123Z");

        byte[] bytes = codec.encode(new Envelope(ID, Optional.empty(), MailSnapshot.of(mail), now, now, 0));
        MailImpl restored = codec.decode(ID, bytes).mail().toMail();

        assertThat(restored.dsnParameters()).contains(dsn);
        assertThat(restored.getAttribute(AttributeName.of("dsn-arrival-date")).<Object>map(a -> a.getValue().value()))
            .contains(arrival);
        JsonNode written = new ObjectMapper().readTree(bytes);
        assertThat(written.toString()).contains("QQ314159").contains("HDRS").contains("b@x.example");
    }

    @Test
    void anEnvelopeWrittenBeforeDsnHasNoDsnParameters() throws Exception {
        String json = "{\"format\":1,\"enqueuedAt\":\"2024-07-01T10:15:30Z\",\"nextDelivery\":\"2024-07-01T10:15:30Z\","
            + "\"name\":\"3F2A1B4C5D\",\"sender\":\"alice@example.com\",\"recipients\":[\"bob@example.net\"],"
            + "\"attributes\":{\"dev.postern.arrival\":{\"serializer\":\"LongSerializer\",\"value\":1719828930000}}}";

        MailImpl restored = codec.decode(ID, json.getBytes(java.nio.charset.StandardCharsets.UTF_8)).mail().toMail();

        assertThat(restored.dsnParameters()).isEmpty();
        assertThat(restored.getRecipients()).containsExactly(new MailAddress("bob@example.net"));
    }
}
