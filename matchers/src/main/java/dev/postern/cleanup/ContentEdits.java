package dev.postern.cleanup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The changes header and body checks make to a message (PREPEND, REPLACE, STRIP, IGNORE),
 * by position: the inspection reads the message once and records them, and {@link #apply}
 * writes the changed copy in a second read, so that neither read holds the message in memory
 * and a message nothing changed is not copied at all.
 */
public final class ContentEdits {
    private static final byte[] CRLF = {'\r', '\n'};

    private final SortedMap<Long, Edit> edits;

    /**
     * A change to records {@code first..last} (one logical header or one body record).
     *
     * @param before      lines to insert before it (PREPEND)
     * @param replacement what replaces it (REPLACE), or null
     * @param remove      whether it is deleted (STRIP, IGNORE)
     */
    record Edit(long first, long last, List<String> before, String replacement, boolean remove) {
        Edit {
            before = List.copyOf(before);
        }

        boolean keepsOriginal() {
            return replacement == null && !remove;
        }
    }

    ContentEdits(SortedMap<Long, Edit> edits) {
        this.edits = Collections.unmodifiableSortedMap(new TreeMap<>(edits));
    }

    public static ContentEdits none() {
        return new ContentEdits(new TreeMap<>());
    }

    public boolean isEmpty() {
        return edits.isEmpty();
    }

    /** The change to the record at {@code index}, if any. */
    Optional<Edit> at(long index) {
        return Optional.ofNullable(edits.get(index));
    }

    /** Copies {@code message} to {@code out} with the changes made. Line terminators are kept as read. */
    public void apply(InputStream message, OutputStream out) throws IOException {
        try (MessageRecords records = new MessageRecords(message)) {
            MessageRecords.Record record;
            Edit current = null;
            while ((record = records.next()) != null) {
                Edit edit = edits.get(record.index());
                if (edit != null) {
                    current = edit;
                    start(edit, out);
                }
                boolean inside = current != null && record.index() <= current.last();
                if (!inside || current.keepsOriginal()) {
                    out.write(record.content());
                    out.write(record.terminator());
                } else if (record.index() == current.last() && current.replacement() != null) {
                    // the replacement ends as the replaced text did: a piece of a long line stays joined to the rest
                    out.write(current.replacement().getBytes(StandardCharsets.UTF_8));
                    out.write(record.terminator());
                }
            }
        }
    }

    private static void start(Edit edit, OutputStream out) throws IOException {
        for (String line : edit.before()) {
            out.write(line.getBytes(StandardCharsets.UTF_8));
            out.write(CRLF);
        }
    }
}
