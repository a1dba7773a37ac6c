package dev.postern.app.queue;

import java.util.Optional;

import org.apache.james.server.core.MimeMessageWrapper;

/**
 * A message read lazily from a queue segment, which remembers which content it is.
 *
 * <p>That is what lets a mail move between queues without its body being written again: when it is
 * enqueued and {@link #isModified()} is still false (no header or body has been set, added or removed,
 * and {@code saveChanges()} was not called), its bytes are exactly the stored content's, so the new
 * envelope can refer to the same content. Any doubt counts as a change, and a change means a new content.
 */
final class StoredMimeMessage extends MimeMessageWrapper {
    private final SegmentContentSource content;

    StoredMimeMessage(SegmentContentSource content) {
        super(content);
        this.content = content;
    }

    /** The content id to reuse if this message is enqueued unchanged into a queue of {@code store}. */
    Optional<String> unchangedContentOf(ContentStore store) {
        if (content.store() == store && !isModified()) {
            return Optional.of(content.contentId());
        }
        return Optional.empty();
    }
}
