package dev.postern.delivery.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * Writes one message into a Maildir or an mbox file within its size limit, and says how that went
 * in local(8)'s terms: too large bounces {@code 5.2.2 ... File too large}; a locked mbox defers
 * {@code 4.2.0}; a file system quota bounces {@code 5.2.2}; a full disk and any other write error
 * defer {@code 4.3.0}, since the mail must not be lost to a passing fault (a permission the operator
 * fixes, space freed).
 */
final class MailboxWriter {
    private static final Logger LOGGER = LoggerFactory.getLogger(MailboxWriter.class);

    private final MaildirNames names;
    private final Clock clock;

    MailboxWriter(MaildirNames names, Clock clock) {
        this.names = names;
        this.clock = clock;
    }

    /**
     * @param content the whole file: the delivery headers, then the message, CRLF lines
     * @param limit a per-user quota counts the Maildir's {@code new/} and {@code cur/} too
     */
    LocalOutcome maildir(String queueId, Path directory, String user, MailboxQuota.Limit limit, byte[] content,
                         Instant start) {
        Maildir target = new Maildir(directory);
        Instant connected = null;
        try {
            target.create();
            connected = clock.instant();
            long size = limit.perUser() ? usage(directory) + content.length : content.length;
            if (limit.exceededBy(size)) {
                return tooLarge(target.directory() + "/", user, connected);
            }
            target.deliver(names.next(), out -> out.write(content));
        } catch (IOException | RuntimeException e) {
            LOGGER.warn("{}: delivery to {} failed", queueId, target.directory(), e);
            return failed(target.directory() + "/", user, e, connected != null ? connected : start);
        }
        return LocalOutcome.sent("delivered to maildir", connected);
    }

    /**
     * @param headers the From_ line and the delivery headers, LF lines
     * @param message the message as received (CRLF lines): written with LF lines and mboxrd quoting
     * @param limit the largest the file may become; 0 for no limit
     */
    LocalOutcome mbox(String queueId, Path file, String user, long limit, byte[] headers, byte[] message,
                      String sentText, Instant start) {
        Instant connected = clock.instant();
        try {
            new MboxFile(file, clock).append(limit, out -> {
                out.write(headers);
                MboxLines body = new MboxLines(out);
                body.write(message);
                body.finish();
                out.write('\n');
            });
        } catch (MboxFile.TooLargeException e) {
            return tooLarge(file.toString(), user, connected);
        } catch (IOException | RuntimeException e) {
            LOGGER.warn("{}: delivery to {} failed", queueId, file, e);
            return failed(file.toString(), user, e, connected);
        }
        return LocalOutcome.sent(sentText, connected);
    }

    /** Bytes in a Maildir's new/ and cur/: what a per-user quota counts. */
    private static long usage(Path maildir) throws IOException {
        long total = 0;
        for (String sub : List.of("new", "cur")) {
            Path dir = maildir.resolve(sub);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    total += Files.size(file);
                }
            }
        }
        return total;
    }

    /** Postfix's text for EFBIG: {@code 5.2.2}, the mailbox is full. */
    private static LocalOutcome tooLarge(String mailbox, String user, Instant connected) {
        return LocalOutcome.bounced("5.2.2", "cannot update mailbox " + mailbox + " for user " + user
            + ". error writing message: File too large", connected);
    }

    static LocalOutcome failed(String mailbox, String user, Exception e, Instant connected) {
        String text = "cannot update mailbox " + mailbox + " for user " + user + ". " + LocalCourier.describe(e);
        String reason = String.valueOf(e.getMessage());
        if (e instanceof MboxFile.UnsafeFileException) {
            return LocalOutcome.bounced("5.2.0", "cannot update mailbox " + mailbox + " for user " + user + ". "
                + e.getMessage(), connected);
        }
        if (e instanceof MboxFile.LockedException) {
            return LocalOutcome.deferred("4.2.0", text, connected);
        }
        if (reason.contains("Disk quota exceeded") || reason.contains("File too large")) {
            return LocalOutcome.bounced("5.2.2", text, connected);
        }
        return LocalOutcome.deferred("4.3.0", text, connected);
    }
}
