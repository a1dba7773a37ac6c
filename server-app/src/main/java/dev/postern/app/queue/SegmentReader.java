package dev.postern.app.queue;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the records of one segment file in order, checking each frame's length and checksum
 * ({@link JournalRecord}). Reading stops at the first frame that is incomplete or does not match its
 * checksum: after a crash that is the torn tail of the last write, which was never acknowledged, since
 * every record before the last fdatasync is whole. A CONTENT record is returned without its bytes (only
 * where they are), so that scanning a large queue does not hold its messages in memory.
 */
final class SegmentReader {
    private static final int BUFFER_SIZE = 64 * 1024;

    /** A record and where its frame starts and how long it is. */
    record Entry(long offset, int length, JournalRecord record) {
    }

    /** The whole records of a segment, and why reading stopped early, if it did. */
    record Scan(Path file, List<Entry> entries, long validLength, Optional<String> damage) {
    }

    private SegmentReader() {
    }

    static Scan scan(Path file) throws IOException {
        long size = Files.size(file);
        List<Entry> entries = new ArrayList<>();
        long offset = 0;
        try (InputStream stream = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new BufferedInputStream(stream, BUFFER_SIZE))) {
            while (offset < size) {
                if (size - offset < JournalRecord.HEADER) {
                    return damaged(file, entries, offset, "incomplete frame header");
                }
                int length = in.readInt();
                int checksum = in.readInt();
                if (length <= 0 || length > size - offset - JournalRecord.HEADER) {
                    return damaged(file, entries, offset, "frame length " + length + " beyond the end of the file");
                }
                byte[] body = new byte[length];
                in.readFully(body);
                if (!JournalRecord.intact(body, checksum)) {
                    return damaged(file, entries, offset, "checksum mismatch");
                }
                JournalRecord record;
                try {
                    record = JournalRecord.decode(body);
                } catch (EOFException e) {
                    return damaged(file, entries, offset, "truncated record body");
                } catch (IOException e) {
                    return damaged(file, entries, offset, e.getMessage());
                }
                if (record instanceof JournalRecord.Content content) {
                    record = new JournalRecord.Content(content.contentId(), new byte[0]);
                }
                entries.add(new Entry(offset, JournalRecord.HEADER + length, record));
                offset += JournalRecord.HEADER + length;
            }
        }
        return new Scan(file, entries, offset, Optional.empty());
    }

    private static Scan damaged(Path file, List<Entry> entries, long offset, String why) {
        return new Scan(file, entries, offset, Optional.of(why + " at offset " + offset));
    }
}
