package dev.postern.mailets;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.transport.mailets.RemoteDelivery;
import org.apache.mailet.MailetConfig;
import org.apache.mailet.MailetContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.postern.config.PosternEnvironment;
import dev.postern.config.ComponentParameters;
import dev.postern.config.ConfigException;
import dev.postern.log.MailLog;

/**
 * James's RemoteDelivery sending through main.cf's {@code relayhost} when it is set
 * (direct MX delivery otherwise). A {@code gateway} init parameter still wins, and a
 * {@code relayhost} init parameter overrides main.cf for this instance.
 *
 * <p>Every delivery attempt is logged as Postfix's smtp(8) logs it ({@code QID: to=<r>,
 * relay=..., status=sent|deferred|bounced}): RemoteDelivery is given a queue factory that
 * watches the mails it takes from its outgoing queue ({@link RelayLoggingQueueFactory},
 * {@link RelayAttemptLog}). Through a gateway the relay is that host and its address; with
 * direct MX delivery James's choice of MX is not visible, and the relay logged is the
 * recipient's domain.
 */
public class RelayhostRemoteDelivery extends RemoteDelivery {
    private static final Logger LOGGER = LoggerFactory.getLogger(RelayhostRemoteDelivery.class);
    private static final String GATEWAY = "gateway";
    private static final String GATEWAY_PORT = "gatewayPort";

    private final RelayLoggingQueueFactory loggingQueues;
    private final PosternEnvironment environment;

    @Inject
    public RelayhostRemoteDelivery(DNSService dnsServer, DomainList domainList, MailQueueFactory<?> queueFactory,
                                   MetricFactory metricFactory, PosternEnvironment environment) {
        this(dnsServer, domainList, new RelayLoggingQueueFactory(queueFactory), metricFactory, ThreadState.START_THREADS,
            environment);
    }

    RelayhostRemoteDelivery(DNSService dnsServer, DomainList domainList, RelayLoggingQueueFactory queueFactory,
                            MetricFactory metricFactory, ThreadState threadState, PosternEnvironment environment) {
        super(dnsServer, domainList, queueFactory, metricFactory, threadState);
        this.loggingQueues = queueFactory;
        this.environment = environment;
    }

    @Override
    public void init(MailetConfig config) throws MessagingException {
        MailetConfig effective = config;
        Optional<RelayhostGateway> gateway;
        if (config.getInitParameter(GATEWAY) != null) {
            gateway = firstGateway(config);
        } else {
            gateway = relayhost(config);
            effective = gateway.<MailetConfig>map(g -> new WithGateway(config, g.asGateway())).orElse(config);
        }
        // Before RemoteDelivery's init, which starts taking mail from the queue.
        mailLog(config).ifPresent(log -> loggingQueues.setLog(new RelayAttemptLog(log, gateway)));
        super.init(effective);
    }

    private Optional<RelayhostGateway> relayhost(MailetConfig config) throws MessagingException {
        try {
            return RelayhostGateway.parse(parameters(config).get("relayhost"));
        } catch (ConfigException | IllegalArgumentException e) {
            throw new MessagingException(config.getMailetName() + ": " + e.getMessage(), e);
        }
    }

    private ComponentParameters parameters(MailetConfig config) throws ConfigException {
        return environment.parameters(name -> Optional.ofNullable(config.getInitParameter(name)),
            config.getMailetName());
    }

    /**
     * The injected mail log, else main.cf's. Only with an explicit {@code gateway} can there be no
     * main.cf (a stock James server): the mailet then works as before, without delivery lines.
     */
    private Optional<MailLog> mailLog(MailetConfig config) {
        try {
            return Optional.of(environment.mailLog(parameters(config)));
        } catch (ConfigException | IllegalArgumentException e) {
            LOGGER.warn("{}: no main.cf, delivery attempts are not written to the mail log: {}",
                config.getMailetName(), e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * The first host of a {@code gateway} init parameter ({@code host[:port],...}, the port defaulting
     * to {@code gatewayPort}, then 25), which is the one RemoteDelivery tries first.
     */
    private static Optional<RelayhostGateway> firstGateway(MailetConfig config) {
        String first = config.getInitParameter(GATEWAY).split(",", -1)[0].trim();
        String port = config.getInitParameter(GATEWAY_PORT);
        try {
            if (!first.contains(":") && port != null && !port.isBlank()) {
                first = first + ":" + port.trim();
            }
            return RelayhostGateway.parse(first);
        } catch (IllegalArgumentException e) {
            LOGGER.warn("{}: gateway \"{}\" is not host:port, the relay is logged as the recipient's domain",
                config.getMailetName(), first);
            return Optional.empty();
        }
    }

    /** The instance's configuration plus the gateway derived from relayhost. */
    private record WithGateway(MailetConfig delegate, String gateway) implements MailetConfig {
        @Override
        public String getInitParameter(String name) {
            return GATEWAY.equals(name) ? gateway : delegate.getInitParameter(name);
        }

        @Override
        public Iterator<String> getInitParameterNames() {
            Set<String> names = new LinkedHashSet<>();
            delegate.getInitParameterNames().forEachRemaining(names::add);
            names.add(GATEWAY);
            return names.iterator();
        }

        @Override
        public MailetContext getMailetContext() {
            return delegate.getMailetContext();
        }

        @Override
        public String getMailetName() {
            return delegate.getMailetName();
        }
    }
}
