package dev.postern.app.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.queue.api.MailQueue.MailQueueItem;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.DsnParameters;
import org.apache.mailet.Mail;
import org.apache.mailet.PerRecipientHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import reactor.core.publisher.Flux;

class FileMailQueueRoundTripTest {
    private static final MailAddress BOB = address("bob@example.net");
    private static final MailAddress CAROL = address("carol@example.org");

    @TempDir
    Path directory;

    private FileMailQueueFactory factory;
    private FileMailQueue queue;

    @BeforeEach
    void setUp() throws Exception {
        factory = new FileMailQueueFactory(directory, Clock.systemUTC());
        queue = factory.createQueue(MailQueueName.of("spool"));
    }

    @AfterEach
    void tearDown() {
        factory.close();
    }

    @Test
    void everyEnvelopeFieldAttributeAndContentByteSurvivesTheQueue() throws Exception {
        byte[] bytes = TestMails.message("x".repeat(200_000));
        MailImpl mail = TestMails.mail("3F2A1B4C5D", bytes);
        mail.setRecipients(List.of(CAROL, BOB));
        mail.setState("transport");
        mail.setRemoteHost("client.example.com");
        mail.setRemoteAddr("192.0.2.1");
        mail.setErrorMessage("451 4.3.0 try later");
        mail.setLastUpdated(new Date(1_700_000_000_123L));
        List<Attribute> attributes = List.of(
            Attribute.convertToAttribute("postern.string", "value with ünïcode"),
            new Attribute(AttributeName.of("postern.int"), AttributeValue.of(42)),
            new Attribute(AttributeName.of("postern.long"), AttributeValue.of(1L << 40)),
            new Attribute(AttributeName.of("postern.boolean"), AttributeValue.of(true)),
            new Attribute(AttributeName.of("postern.double"), AttributeValue.of(2.5d)),
            new Attribute(AttributeName.of("postern.date"), AttributeValue.of(ZonedDateTime.parse("2024-07-01T10:15:30Z"))),
            new Attribute(AttributeName.of("postern.list"), AttributeValue.of(List.of(AttributeValue.of("a"), AttributeValue.of(1)))),
            new Attribute(AttributeName.of("postern.map"), AttributeValue.of(Map.of("k", AttributeValue.of("v")))));
        attributes.forEach(mail::setAttribute);
        // AttributeValue compares byte arrays by identity, so this one is checked by content below.
        mail.setAttribute(new Attribute(AttributeName.of("postern.bytes"), AttributeValue.of(new byte[] {0, 1, (byte) 0xff})));
        DsnParameters dsn = DsnParameters.builder()
            .envId(DsnParameters.EnvId.of("envid-1"))
            .ret(DsnParameters.Ret.HDRS)
            .addRcptParameter(BOB, DsnParameters.RecipientDsnParameters.of(EnumSet.of(DsnParameters.Notify.FAILURE, DsnParameters.Notify.DELAY)))
            .build().orElseThrow();
        mail.setDsnParameters(dsn);
        PerRecipientHeaders.Header bobHeader = PerRecipientHeaders.Header.builder().name("X-For-Bob").value("1").build();
        PerRecipientHeaders.Header bobOther = PerRecipientHeaders.Header.builder().name("X-Other").value("two words").build();
        PerRecipientHeaders.Header carolHeader = PerRecipientHeaders.Header.builder().name("Delivered-To").value("carol@example.org").build();
        mail.addSpecificHeaderForRecipient(bobHeader, BOB);
        mail.addSpecificHeaderForRecipient(bobOther, BOB);
        mail.addSpecificHeaderForRecipient(carolHeader, CAROL);

        queue.enQueue(mail);
        MailQueueItem item = Flux.from(queue.deQueue()).blockFirst(Duration.ofSeconds(10));
        Mail dequeued = item.getMail();

        assertThat(dequeued).isInstanceOf(MailImpl.class);
        assertThat(dequeued.getName()).isEqualTo("3F2A1B4C5D");
        assertThat(dequeued.getState()).isEqualTo("transport");
        assertThat(dequeued.getMaybeSender()).isEqualTo(MaybeSender.of(address("alice@example.com")));
        assertThat(dequeued.getRecipients()).containsExactly(CAROL, BOB);
        assertThat(dequeued.getRemoteHost()).isEqualTo("client.example.com");
        assertThat(dequeued.getRemoteAddr()).isEqualTo("192.0.2.1");
        assertThat(dequeued.getErrorMessage()).isEqualTo("451 4.3.0 try later");
        assertThat(dequeued.getLastUpdated()).isEqualTo(new Date(1_700_000_000_123L));
        assertThat(dequeued.attributes()).containsAll(attributes);
        assertThat(dequeued.getAttribute(AttributeName.of("postern.bytes")).flatMap(a -> a.getValue().valueAs(byte[].class)))
            .hasValueSatisfying(value -> assertThat(value).containsExactly(0, 1, 0xff));
        assertThat(dequeued.dsnParameters()).contains(dsn);
        assertThat(dequeued.attributes().toList()).hasSameSizeAs(mail.attributes().toList());
        assertThat(dequeued.getPerRecipientSpecificHeaders().getHeadersForRecipient(BOB)).containsExactly(bobHeader, bobOther);
        assertThat(dequeued.getPerRecipientSpecificHeaders().getHeadersForRecipient(CAROL)).containsExactly(carolHeader);
        assertThat(TestMails.rawBytesOf(dequeued)).isEqualTo(bytes);
        assertThat(TestMails.bytesOf(dequeued.getMessage())).isEqualTo(bytes);
        assertThat(dequeued.getMessage().getSubject()).isEqualTo("queued");

        List<String> content = new QueueFiles(directory).content();
        assertThat(content).hasSize(1);
        assertThat(new QueueFiles(directory).contentBytes(content.get(0))).isEqualTo(bytes);
    }

    @Test
    void nullSenderStaysTheNullSender() throws Exception {
        MailImpl mail = TestMails.mail("bounce");
        mail.setSender(null);
        assertThat(mail.getMaybeSender().isNullSender()).isTrue();

        queue.enQueue(mail);

        Mail dequeued = Flux.from(queue.deQueue()).blockFirst(Duration.ofSeconds(10)).getMail();
        assertThat(dequeued.getMaybeSender()).isEqualTo(MaybeSender.nullSender());
        assertThat(new QueueFiles(directory).envelope(new QueueFiles(directory).envelopes("spool").get(0)).mail().sender())
            .isEqualTo(MaybeSender.nullSender());
    }

    @Test
    void attributeWithoutJsonFormIsDroppedAndTheMailStillQueued() throws Exception {
        MailImpl mail = TestMails.mail("opaque");
        mail.setAttribute(new Attribute(AttributeName.of("opaque"), AttributeValue.ofUnserializable(new Object())));
        mail.setAttribute(Attribute.convertToAttribute("kept", "yes"));

        queue.enQueue(mail);

        Mail dequeued = Flux.from(queue.deQueue()).blockFirst(Duration.ofSeconds(10)).getMail();
        assertThat(dequeued.getAttribute(AttributeName.of("opaque"))).isEmpty();
        assertThat(dequeued.getAttribute(AttributeName.of("kept"))).contains(Attribute.convertToAttribute("kept", "yes"));
    }

    @Test
    void laterChangesToTheCallersMailDoNotReachTheQueue() throws Exception {
        MailImpl mail = TestMails.mail("snapshot");
        queue.enQueue(mail);
        mail.setRecipients(List.of(address("mallory@example.com")));
        mail.setAttribute(Attribute.convertToAttribute("late", "change"));

        Mail dequeued = Flux.from(queue.deQueue()).blockFirst(Duration.ofSeconds(10)).getMail();
        assertThat(dequeued.getRecipients()).containsExactly(BOB, CAROL);
        assertThat(dequeued.getAttribute(AttributeName.of("late"))).isEmpty();
    }

    @Test
    void mailWithoutMessageIsQueuedWithoutContent() throws Exception {
        MailImpl mail = MailImpl.builder().name("empty").sender("alice@example.com").addRecipient("bob@example.net").build();

        queue.enQueue(mail);

        Mail dequeued = Flux.from(queue.deQueue()).blockFirst(Duration.ofSeconds(10)).getMail();
        assertThat(dequeued.getName()).isEqualTo("empty");
        assertThat(dequeued.getMessage()).isNull();
        assertThat(new QueueFiles(directory).content()).isEmpty();
    }

    private static MailAddress address(String address) {
        try {
            return new MailAddress(address);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
