package dev.postern.qmgr;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;

import javax.mail.MessagingException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.postern.config.MainCf;
import dev.postern.delivery.RecipientResult;
import dev.postern.verify.AddressVerifier;
import dev.postern.verify.VerifyCache;
import dev.postern.verify.VerifyStatus;

/**
 * Postfix's verify(8) service, shared by the SMTP server (which asks) and the queue manager (which
 * takes the probes and reports what the delivery agents found): the {@link VerifyCache} and the
 * sending of probes. One per server, made at start from main.cf ({@code address_verify_map}, the
 * expire and refresh times, {@code address_verify_sender}; a reload does not change them).
 */
public final class VerifyService implements AddressVerifier {
    private static final Logger LOGGER = LoggerFactory.getLogger(VerifyService.class);

    /** Where probes go: the queue manager queues a probe message for the address. */
    @FunctionalInterface
    public interface ProbeQueue {
        void send(String address) throws MessagingException;
    }

    private final VerifyCache cache;
    private final String sender;
    private volatile ProbeQueue queue;

    public VerifyService(VerifyCache cache, String sender) {
        this.cache = cache;
        this.sender = sender;
    }

    /**
     * @param home the Postern home, against which a relative {@code address_verify_map} resolves
     * @throws IllegalArgumentException naming {@code address_verify_map} for a value Postern cannot use
     * @throws IOException when the cache file cannot be read
     */
    public static VerifyService fromMainCf(MainCf mainCf, Path home, Clock clock) throws IOException {
        String map = mainCf.get("address_verify_map").trim();
        if (map.indexOf(':') >= 0) {
            throw new IllegalArgumentException("address_verify_map = " + map + ": Postern keeps the address verification"
                + " cache in a file of its own: give a path (default var/verify_cache), or nothing for a cache in memory");
        }
        VerifyCache.Settings settings = VerifyCache.Settings.fromParameters(mainCf::get);
        VerifyCache cache = map.isEmpty() ? VerifyCache.inMemory(settings, clock)
            : VerifyCache.open(home.resolve(map), settings, clock);
        String sender = mainCf.get("address_verify_sender").trim();
        if (!sender.isEmpty() && sender.indexOf('@') < 0) {
            sender = sender + "@" + mainCf.get("myorigin").trim();
        }
        return new VerifyService(cache, sender);
    }

    /** Called by the queue manager when it starts: from then on probes can be sent. */
    public void attach(ProbeQueue probes) {
        this.queue = probes;
    }

    /** The MAIL FROM of probes: address_verify_sender qualified with myorigin; empty for the null sender. */
    public String sender() {
        return sender;
    }

    @Override
    public VerifyStatus query(String address) throws VerifyException {
        VerifyCache.Lookup lookup;
        try {
            lookup = cache.query(address);
        } catch (IOException e) {
            throw new VerifyException("address verification cache: " + e.getMessage(), e);
        }
        if (lookup.probe()) {
            ProbeQueue probes = queue;
            if (probes == null) {
                throw new VerifyException("no queue manager takes address verification probes", null);
            }
            try {
                probes.send(address);
            } catch (MessagingException | RuntimeException e) {
                throw new VerifyException("cannot queue an address verification probe for " + address + ": " + e.getMessage(), e);
            }
        }
        return lookup.status();
    }

    /** What a delivery agent found for a probe's recipient. */
    public void record(String address, RecipientResult result) {
        VerifyStatus.Status status = switch (result.status()) {
            case SENT -> VerifyStatus.Status.DELIVERABLE;
            case BOUNCED -> VerifyStatus.Status.UNDELIVERABLE;
            case DEFERRED -> VerifyStatus.Status.DEFERRED;
        };
        try {
            cache.update(address, new VerifyStatus(status, result.text()));
        } catch (IOException e) {
            LOGGER.warn("address verification cache: cannot record the result for {}: {}", address, e.getMessage());
        }
    }
}
