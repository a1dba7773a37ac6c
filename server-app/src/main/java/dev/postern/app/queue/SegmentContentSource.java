package dev.postern.app.queue;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;

import org.apache.james.server.core.MimeMessageSource;

/**
 * The bytes of one queued message, read from its queue segment each time they are asked for and never
 * kept. Reading headers, and writing the message out unchanged (what delivery does), stream from the
 * segment; only a mailet that parses the body makes JavaMail hold it in memory.
 */
final class SegmentContentSource implements MimeMessageSource {
    private static final int BUFFER_SIZE = 16 * 1024;

    private final ContentStore store;
    private final QueueJournal journal;
    private final String contentId;

    SegmentContentSource(ContentStore store, QueueJournal journal, String contentId) {
        this.store = store;
        this.journal = journal;
        this.contentId = contentId;
    }

    ContentStore store() {
        return store;
    }

    String contentId() {
        return contentId;
    }

    @Override
    public String getSourceId() {
        return "queue content " + contentId;
    }

    @Override
    public InputStream getInputStream() throws IOException {
        return new BufferedInputStream(journal.openContent(contentId), BUFFER_SIZE);
    }

    @Override
    public long getMessageSize() throws IOException {
        return journal.contentSize(contentId);
    }
}
