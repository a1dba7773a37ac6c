package dev.postern.app.queue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Looks at a queue directory the way {@code postern cat} would: by reading its segments from the start,
 * independently of any open factory (what a new process would recover).
 */
final class QueueFiles {
    private final Path root;

    QueueFiles(Path root) {
        this.root = root;
    }

    /** The ids of the contents that live envelopes refer to, sorted. */
    List<String> content() throws IOException {
        return live().values().stream().flatMap(put -> decode(put).contentId().stream()).distinct().sorted().toList();
    }

    /** The live envelopes of a queue, in the order they were written. */
    List<Envelope> envelopes(String queue) throws IOException {
        return live().values().stream().filter(put -> put.queue().equals(queue)).map(QueueFiles::decode).toList();
    }

    Envelope envelope(Envelope envelope) {
        return envelope;
    }

    /** The message bytes of a content, as last written. */
    byte[] contentBytes(String contentId) throws IOException {
        byte[] found = null;
        for (Path segment : segments()) {
            for (SegmentReader.Entry entry : SegmentReader.scan(segment).entries()) {
                if (entry.record() instanceof JournalRecord.Content content && content.contentId().equals(contentId)) {
                    int start = JournalRecord.contentStart(contentId);
                    found = new byte[entry.length() - start];
                    try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "r")) {
                        file.seek(entry.offset() + start);
                        file.readFully(found);
                    }
                }
            }
        }
        if (found == null) {
            throw new IOException("no content " + contentId + " under " + root);
        }
        return found;
    }

    List<Path> segments() throws IOException {
        return QueueJournal.segmentFiles(root.resolve("segments"));
    }

    List<Path> temporary() throws IOException {
        return list(root.resolve("tmp"));
    }

    List<Path> corrupt() throws IOException {
        return list(root.resolve("corrupt"));
    }

    Path root() {
        return root;
    }

    private Map<String, JournalRecord.Put> live() throws IOException {
        Map<String, JournalRecord.Put> live = new LinkedHashMap<>();
        for (Path segment : segments()) {
            for (SegmentReader.Entry entry : SegmentReader.scan(segment).entries()) {
                if (entry.record() instanceof JournalRecord.Put put) {
                    live.put(put.envelopeId(), put);
                } else if (entry.record() instanceof JournalRecord.Remove remove) {
                    live.remove(remove.envelopeId());
                }
            }
        }
        return live;
    }

    private static Envelope decode(JournalRecord.Put put) {
        try {
            return new EnvelopeCodec().decode(put.envelopeId(), put.envelope());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Path> list(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return new ArrayList<>(files.sorted().toList());
        }
    }
}
