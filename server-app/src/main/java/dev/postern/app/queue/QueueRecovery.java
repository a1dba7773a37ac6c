package dev.postern.app.queue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.james.queue.api.MailQueueName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens at start, before any queue is used: the envelopes the journal found live are decoded
 * (all of them, since any may refer to any content), the content reference counts are rebuilt from them,
 * and the journal is told what is kept, so that segments holding nothing else can go.
 *
 * <p>Nothing that might be mail is dropped on a guess: an envelope that cannot be read, or whose content
 * is missing, is written to {@code corrupt/} with an error in the log; and if any envelope could not be
 * read, no segment is deleted in this run, since the unreadable one might refer to a content there.
 */
final class QueueRecovery {
    private static final Logger LOGGER = LoggerFactory.getLogger(QueueRecovery.class);

    private final QueueLayout layout;
    private final QueueJournal journal;
    private final ContentStore content;
    private final EnvelopeCodec codec;

    QueueRecovery(QueueLayout layout, QueueJournal journal, ContentStore content, EnvelopeCodec codec) {
        this.layout = layout;
        this.journal = journal;
        this.content = content;
        this.codec = codec;
    }

    /** The recovered envelopes of each queue, including the queues that exist but are empty. */
    Map<MailQueueName, List<Envelope>> recover() throws IOException {
        Map<MailQueueName, List<Envelope>> recovered = new LinkedHashMap<>();
        layout.existingQueues().forEach(name -> recovered.put(name, new ArrayList<>()));
        Map<String, Integer> references = new HashMap<>();
        Map<String, Envelope> creators = new HashMap<>();
        Set<String> kept = new HashSet<>();
        List<QueueJournal.RecoveredPut> dropped = new ArrayList<>();
        int unreadable = 0;
        for (QueueJournal.RecoveredPut put : journal.recovered()) {
            MailQueueName name = MailQueueName.of(put.queue());
            Envelope envelope;
            try {
                envelope = codec.decode(put.envelopeId(), put.envelope());
            } catch (IOException e) {
                LOGGER.error("Unreadable envelope {} of queue {} ({}): written to the corrupt directory for inspection",
                    put.envelopeId(), put.queue(), e.getMessage());
                quarantine(put);
                dropped.add(put);
                unreadable++;
                continue;
            }
            if (envelope.contentId().isPresent() && !content.exists(envelope.contentId().get())) {
                LOGGER.error("Envelope {} of queue {} (mail {}) refers to missing content {}: written to the corrupt directory",
                    envelope.id(), put.queue(), envelope.mail().name(), envelope.contentId().get());
                quarantine(put);
                dropped.add(put);
                continue;
            }
            envelope.contentId().ifPresent(id -> {
                references.merge(id, 1, Integer::sum);
                // The earliest envelope of a content is taken to be the mail that wrote it.
                creators.merge(id, envelope, (a, b) -> b.enqueuedAt().isBefore(a.enqueuedAt()) ? b : a);
            });
            kept.add(envelope.id());
            recovered.computeIfAbsent(name, key -> new ArrayList<>()).add(envelope);
        }
        if (unreadable > 0) {
            LOGGER.error("{} envelopes could not be read; no queue segment is deleted until that is resolved", unreadable);
        }
        Map<String, String> mailNames = new HashMap<>();
        creators.forEach((id, envelope) -> mailNames.put(id, envelope.mail().name()));
        content.recover(references, mailNames);
        int segments = journal.segmentFiles().size();
        journal.adopt(kept, references.keySet(), unreadable > 0);
        for (QueueJournal.RecoveredPut put : dropped) {
            journal.remove(put.queue(), put.envelopeId());
        }
        for (MailQueueName name : recovered.keySet()) {
            layout.createQueueDirectory(name);
        }
        recovered.values().forEach(list -> list.sort(Comparator.comparing(Envelope::enqueuedAt)));
        LOGGER.info("Mail queue {}: recovered {} mails in {} queues from {} segments; {} segments deleted",
            layout.root(), kept.size(), recovered.size(), segments - 1, segments - journal.segmentFiles().size());
        return recovered;
    }

    private void quarantine(QueueJournal.RecoveredPut put) throws IOException {
        String origin = QueueLayout.encode(MailQueueName.of(put.queue()));
        layout.keepCorrupt(origin + "." + put.envelopeId(), put.envelope());
    }

}
