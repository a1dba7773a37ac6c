package dev.postern.milter;

import java.util.List;

/** A change a filter asks for in its reply to end of message. */
public sealed interface MilterModification {
    /** {@code h}: a header appended after the others. */
    record AddHeader(String name, String value) implements MilterModification {
    }

    /** {@code i}: a header inserted at {@code index} (0 = first). */
    record InsertHeader(int index, String name, String value) implements MilterModification {
    }

    /** {@code m}: the {@code index}-th header of that name (1 = first) replaced; an empty value deletes it. */
    record ChangeHeader(int index, String name, String value) implements MilterModification {
    }

    /** {@code b}: the body replaced (the chunks of all {@code b} packets, in order). */
    record ReplaceBody(byte[] chunk) implements MilterModification {
        public ReplaceBody {
            chunk = chunk.clone();
        }

        @Override
        public byte[] chunk() {
            return chunk.clone();
        }
    }

    /** {@code +} or {@code 2}: a recipient added, with its ESMTP arguments. */
    record AddRecipient(String address, List<String> arguments) implements MilterModification {
        public AddRecipient {
            arguments = List.copyOf(arguments);
        }
    }

    /** {@code -}: a recipient deleted. */
    record DeleteRecipient(String address) implements MilterModification {
    }

    /** {@code e}: the envelope sender changed, with its ESMTP arguments. */
    record ChangeSender(String address, List<String> arguments) implements MilterModification {
        public ChangeSender {
            arguments = List.copyOf(arguments);
        }
    }

    /** {@code q}: the message goes on hold with this reason. */
    record Quarantine(String reason) implements MilterModification {
    }

    /** An address as a filter writes it, with or without angle brackets, as the envelope keeps it. */
    static String bare(String address) {
        String trimmed = address.trim();
        if (trimmed.startsWith("<") && trimmed.endsWith(">")) {
            return trimmed.substring(1, trimmed.length() - 1);
        }
        return trimmed;
    }
}
