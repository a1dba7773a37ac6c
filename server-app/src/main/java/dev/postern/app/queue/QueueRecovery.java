package dev.postern.app.queue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.apache.james.queue.api.MailQueueName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens at start, before any queue is used: temporary files of interrupted writes are deleted,
 * every envelope of every queue is read (all of them, since any may refer to any content file), the
 * content reference counts are rebuilt from them, and content files no envelope refers to are deleted.
 *
 * <p>Nothing that might be mail is deleted on a guess: an envelope that cannot be read, or whose
 * content file is missing, is moved to {@code corrupt/} with an error in the log; and if any envelope
 * could not be read, no content file is deleted either, since the unreadable one might refer to it.
 */
final class QueueRecovery {
    private static final Logger LOGGER = LoggerFactory.getLogger(QueueRecovery.class);

    private final QueueLayout layout;
    private final ContentStore content;

    QueueRecovery(QueueLayout layout, ContentStore content) {
        this.layout = layout;
        this.content = content;
    }

    /** The recovered envelopes of each queue found on disk. */
    Map<MailQueueName, List<Envelope>> recover(Function<MailQueueName, EnvelopeStore> stores) throws IOException {
        int temporary = layout.deleteTemporaryFiles();
        Set<String> existingContent = content.existingContent();
        Map<MailQueueName, List<Envelope>> recovered = new LinkedHashMap<>();
        Map<String, Integer> references = new HashMap<>();
        Map<String, Envelope> creators = new HashMap<>();
        int unreadable = 0;
        int mails = 0;
        for (MailQueueName name : layout.existingQueues()) {
            String origin = QueueLayout.encode(name);
            EnvelopeStore store = stores.apply(name);
            EnvelopeStore.Recovered read = store.readAll(file -> layout.quarantine(file, origin));
            unreadable += read.unreadable();
            List<Envelope> usable = new ArrayList<>();
            for (Envelope envelope : read.envelopes()) {
                if (envelope.contentId().isPresent() && !existingContent.contains(envelope.contentId().get())) {
                    LOGGER.error("Envelope {} of queue {} (mail {}) refers to missing content {}: moved to the corrupt directory",
                        envelope.id(), name.asString(), envelope.mail().name(), envelope.contentId().get());
                    layout.quarantine(store.file(envelope.id()), origin);
                    continue;
                }
                envelope.contentId().ifPresent(id -> {
                    references.merge(id, 1, Integer::sum);
                    // The earliest envelope of a content file is taken to be the mail that wrote it.
                    creators.merge(id, envelope, (a, b) -> b.enqueuedAt().isBefore(a.enqueuedAt()) ? b : a);
                });
                usable.add(envelope);
            }
            mails += usable.size();
            recovered.put(name, usable);
        }
        boolean deleteOrphans = unreadable == 0;
        if (!deleteOrphans) {
            LOGGER.error("{} envelopes could not be read; unreferenced content files are kept until that is resolved", unreadable);
        }
        Map<String, String> mailNames = new HashMap<>();
        creators.forEach((id, envelope) -> mailNames.put(id, envelope.mail().name()));
        int orphans = content.recover(references, mailNames, deleteOrphans);
        LOGGER.info("Mail queue {}: recovered {} mails in {} queues; deleted {} temporary and {} unreferenced content files",
            layout.root(), mails, recovered.size(), temporary, orphans);
        return recovered;
    }
}
