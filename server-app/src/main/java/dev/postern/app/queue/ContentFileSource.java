package dev.postern.app.queue;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.james.server.core.MimeMessageSource;

/**
 * The bytes of one content file, read from disk each time they are asked for and never kept. Reading
 * headers, and writing the message out unchanged (what delivery does), stream from the file; only a
 * mailet that parses the body makes JavaMail hold it in memory.
 *
 * <p>Plain file streams, not JavaMail's {@code SharedFileInputStream}: the latter would let a parsed body
 * stay on disk too, but its sub-streams keep the file open until the garbage collector closes them,
 * and an MTA that runs out of file descriptors (or keeps deleted files' space) fails worse than one
 * that holds the odd parsed body in memory.
 */
final class ContentFileSource implements MimeMessageSource {
    private static final int BUFFER_SIZE = 16 * 1024;

    private final ContentStore store;
    private final String contentId;
    private final Path file;

    ContentFileSource(ContentStore store, String contentId, Path file) {
        this.store = store;
        this.contentId = contentId;
        this.file = file;
    }

    ContentStore store() {
        return store;
    }

    String contentId() {
        return contentId;
    }

    @Override
    public String getSourceId() {
        return file.toString();
    }

    @Override
    public InputStream getInputStream() throws IOException {
        return new BufferedInputStream(Files.newInputStream(file), BUFFER_SIZE);
    }

    @Override
    public long getMessageSize() throws IOException {
        return Files.size(file);
    }
}
