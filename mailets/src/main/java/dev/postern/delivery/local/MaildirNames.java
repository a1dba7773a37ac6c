package dev.postern.delivery.local;

import java.time.Clock;
import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * Unique Maildir file names in the modern convention,
 * {@code <seconds>.M<microseconds>P<pid>Q<deliveries>.<hostname>}: the time, the process
 * and a number unique within the process make a name no other delivery on any host uses.
 * The number comes from one source for the whole process (not a counter per mailet
 * instance) because two instances delivering in the same microsecond must not pick the
 * same name: a rename would replace the other's message.
 */
public final class MaildirNames {
    private final Clock clock;
    private final long pid;
    private final String hostname;
    private final LongSupplier unique;

    public MaildirNames(Clock clock, String hostname, LongSupplier unique) {
        this.clock = clock;
        this.pid = ProcessHandle.current().pid();
        this.hostname = escape(hostname);
        this.unique = unique;
    }

    public String next() {
        Instant now = clock.instant();
        return now.getEpochSecond() + ".M" + (now.getNano() / 1000) + "P" + pid + "Q" + unique.getAsLong()
            + "." + hostname;
    }

    /** The Maildir convention: the two characters a name cannot hold are written in octal. */
    static String escape(String hostname) {
        return hostname.replace("/", "\\057").replace(":", "\\072");
    }
}
