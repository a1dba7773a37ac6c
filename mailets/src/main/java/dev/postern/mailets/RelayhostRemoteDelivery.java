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

import dev.postern.config.ComponentParameters;
import dev.postern.config.ConfigException;
import dev.postern.config.MainCf;

/**
 * James's RemoteDelivery sending through main.cf's {@code relayhost} when it is set
 * (direct MX delivery otherwise). A {@code gateway} init parameter still wins, and a
 * {@code relayhost} init parameter overrides main.cf for this instance.
 */
public class RelayhostRemoteDelivery extends RemoteDelivery {
    private static final String GATEWAY = "gateway";

    private MainCf mainCf;

    @Inject
    public RelayhostRemoteDelivery(DNSService dnsServer, DomainList domainList, MailQueueFactory<?> queueFactory,
                                   MetricFactory metricFactory) {
        super(dnsServer, domainList, queueFactory, metricFactory);
    }

    @com.google.inject.Inject(optional = true)
    public void setMainCf(MainCf mainCf) {
        this.mainCf = mainCf;
    }

    @Override
    public void init(MailetConfig config) throws MessagingException {
        if (config.getInitParameter(GATEWAY) != null) {
            super.init(config);
            return;
        }
        Optional<RelayhostGateway> gateway = relayhost(config);
        super.init(gateway.<MailetConfig>map(g -> new WithGateway(config, g.asGateway())).orElse(config));
    }

    private Optional<RelayhostGateway> relayhost(MailetConfig config) throws MessagingException {
        try {
            ComponentParameters parameters = ComponentParameters.of(mainCf,
                name -> Optional.ofNullable(config.getInitParameter(name)), config.getMailetName());
            return RelayhostGateway.parse(parameters.get("relayhost"));
        } catch (ConfigException | IllegalArgumentException e) {
            throw new MessagingException(config.getMailetName() + ": " + e.getMessage(), e);
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
