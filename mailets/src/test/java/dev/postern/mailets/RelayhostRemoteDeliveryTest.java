package dev.postern.mailets;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.james.core.Domain;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.metrics.api.Metric;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.api.MailQueue.MailQueueItem.CompletionStatus;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.transport.mailets.RemoteDelivery.ThreadState;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.postern.config.MainCf;
import dev.postern.config.PosternEnvironment;
import dev.postern.log.MailLog;

import reactor.core.publisher.Flux;

/** The mailet hands RemoteDelivery the logging queues, set up for the relay it sends through. */
class RelayhostRemoteDeliveryTest {
    private final List<String> lines = new ArrayList<>();
    private final RelayFakeMailQueue outgoing = new RelayFakeMailQueue(MailQueueName.of("outgoing"));
    private final RelayLoggingQueueFactory queues = new RelayLoggingQueueFactory(outgoing.factory());
    private RelayhostRemoteDelivery mailet;

    @AfterEach
    void tearDown() {
        if (mailet != null) {
            mailet.destroy();
        }
    }

    private void start(String relayhost, FakeMailetConfig.Builder config) throws Exception {
        mailet = new RelayhostRemoteDelivery(null, domains(), queues, noMetrics(), ThreadState.DO_NOT_START_THREADS,
            new PosternEnvironment(
                MainCf.parse("main.cf", List.of("myhostname = mx.example.com", "relayhost = " + relayhost), Map.of()),
                new MailLog("postfix", "mx.example.com", Clock.systemUTC(), lines::add)));
        mailet.init(config.mailetName("remote").mailetContext(FakeMailContext.defaultContext()).build());
    }

    /** Queues a mail through the mailet, then completes the attempt RemoteDelivery would make of it. */
    private void deliver() throws Exception {
        mailet.service(FakeMail.builder().name("3F2A1B4C5D6E").sender("alice@example.com")
            .recipients("bob@example.net").build());
        outgoing.offer(outgoing.enqueued().get(0).mail());
        Flux.from(queues.createQueue(MailQueueName.of("outgoing")).deQueue()).blockFirst(Duration.ofSeconds(5))
            .done(CompletionStatus.SUCCESS);
    }

    @Test
    void theRelayhostIsTheLoggedRelay() throws Exception {
        start("[192.0.2.25]:587", FakeMailetConfig.builder());

        deliver();

        assertThat(lines).singleElement().asString()
            .contains(" postfix/smtp[")
            .contains("3F2A1B4C5D6E: to=<bob@example.net>, relay=192.0.2.25[192.0.2.25]:587, delay=")
            .endsWith(", dsn=2.0.0, status=sent (delivered via 192.0.2.25[192.0.2.25]:587)");
    }

    @Test
    void aGatewayParameterIsTheLoggedRelay() throws Exception {
        start("", FakeMailetConfig.builder().setProperty("gateway", "192.0.2.26, 192.0.2.27").setProperty("gatewayPort", "2525"));

        deliver();

        assertThat(lines).singleElement().asString()
            .contains("relay=192.0.2.26[192.0.2.26]:2525, delay=");
    }

    @Test
    void withoutRelayhostTheRecipientDomainIsTheLoggedRelay() throws Exception {
        start("", FakeMailetConfig.builder());

        mailet.service(FakeMail.builder().name("3F2A1B4C5D6E").sender("alice@example.com")
            .recipients("bob@example.net").build());
        assertThat(outgoing.enqueued()).singleElement()
            .satisfies(enqueued -> assertThat(enqueued.mail().getName()).isEqualTo("3F2A1B4C5D6E-to-example.net"));
        outgoing.offer(outgoing.enqueued().get(0).mail());
        Flux.from(queues.createQueue(MailQueueName.of("outgoing")).deQueue()).blockFirst(Duration.ofSeconds(5))
            .done(CompletionStatus.SUCCESS);

        assertThat(lines).singleElement().asString()
            .contains("3F2A1B4C5D6E: to=<bob@example.net>, relay=example.net, delay=");
    }

    /** RemoteDelivery's configuration asks for the default domain (its HELO name); nothing else is looked up. */
    private static DomainList domains() {
        return (DomainList) Proxy.newProxyInstance(DomainList.class.getClassLoader(), new Class<?>[] {DomainList.class},
            (proxy, method, args) -> method.getName().equals("getDefaultDomain") ? Domain.of("mx.example.com") : null);
    }

    /** DeliveryRunnable asks for one metric when it is built; nothing is measured here. */
    private static MetricFactory noMetrics() {
        Metric metric = (Metric) Proxy.newProxyInstance(Metric.class.getClassLoader(), new Class<?>[] {Metric.class},
            (proxy, method, args) -> method.getReturnType() == long.class ? 0L : null);
        return (MetricFactory) Proxy.newProxyInstance(MetricFactory.class.getClassLoader(), new Class<?>[] {MetricFactory.class},
            (proxy, method, args) -> method.getName().equals("generate") ? metric : null);
    }
}
