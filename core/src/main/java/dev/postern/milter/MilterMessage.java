package dev.postern.milter;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A message as filters see and change it: its headers in order (name, and the raw value after
 * the colon with its folding) and its body bytes. Header modifications and a replaced body
 * produce a new message; {@link #bytes()} writes it back with CRLF line ends.
 */
public final class MilterMessage {
    /**
     * One header: the value is everything after the colon, leading space and CRLF folding included.
     * {@code original} is the header's bytes as received (one char per byte), written back unchanged
     * so that 8-bit bytes that are not UTF-8 survive; null for a header a filter wrote.
     */
    public record Header(String name, String value, String original) {
        Header(String name, String value) {
            this(name, value, null);
        }

        byte[] bytes() {
            return original != null ? (original + "\r\n").getBytes(StandardCharsets.ISO_8859_1)
                : (name + ":" + value + "\r\n").getBytes(StandardCharsets.UTF_8);
        }

        /** The value as a filter gets it: no leading space (unless it negotiated HDR_LEADSPC), LF folding. */
        String forFilter(boolean leadingSpace) {
            String value = this.value.replace("\r\n", "\n");
            if (!leadingSpace && value.startsWith(" ")) {
                value = value.substring(1);
            }
            return value;
        }
    }

    private final List<Header> headers;
    private final byte[] body;

    public MilterMessage(List<Header> headers, byte[] body) {
        this.headers = List.copyOf(headers);
        this.body = body.clone();
    }

    public List<Header> headers() {
        return headers;
    }

    public byte[] body() {
        return body.clone();
    }

    /** Reads a message: headers up to the first empty line, the rest is the body. */
    public static MilterMessage parse(byte[] message) {
        List<Header> headers = new ArrayList<>();
        int position = 0;
        StringBuilder current = null;
        while (position < message.length) {
            int end = lineEnd(message, position);
            String line = new String(message, position, end - position, StandardCharsets.ISO_8859_1);
            int next = Math.min(message.length, end + (end < message.length && message[end] == '\r' ? 2 : 1));
            if (line.isEmpty()) {
                position = next;
                break;
            }
            if ((line.startsWith(" ") || line.startsWith("\t")) && current != null) {
                current.append("\r\n").append(line);
            } else if (line.indexOf(':') > 0) {
                add(headers, current);
                current = new StringBuilder(line);
            } else {
                // not a header: the headers end here, as cleanup ends them
                break;
            }
            position = next;
        }
        add(headers, current);
        return new MilterMessage(headers, Arrays.copyOfRange(message, position, message.length));
    }

    private static void add(List<Header> headers, StringBuilder line) {
        if (line == null) {
            return;
        }
        String text = line.toString();
        int colon = text.indexOf(':');
        headers.add(new Header(text.substring(0, colon), utf8(text.substring(colon + 1)), text));
    }

    /** Header bytes were read as ISO-8859-1 to keep every byte; UTF-8 headers are turned back into text. */
    private static String utf8(String latin1) {
        return new String(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    private static int lineEnd(byte[] message, int from) {
        for (int i = from; i < message.length; i++) {
            if (message[i] == '\n') {
                return i > from && message[i - 1] == '\r' ? i - 1 : i;
            }
        }
        return message.length;
    }

    /** The message with the header and body changes of one filter applied, in the order it sent them. */
    public MilterMessage apply(List<MilterModification> modifications, boolean leadingSpace) {
        List<Header> changed = new ArrayList<>(headers);
        ByteArrayOutputStream newBody = null;
        for (MilterModification modification : modifications) {
            if (modification instanceof MilterModification.AddHeader add) {
                changed.add(header(add.name(), add.value(), leadingSpace));
            } else if (modification instanceof MilterModification.InsertHeader insert) {
                changed.add(Math.min(Math.max(insert.index(), 0), changed.size()),
                    header(insert.name(), insert.value(), leadingSpace));
            } else if (modification instanceof MilterModification.ChangeHeader change) {
                change(changed, change, leadingSpace);
            } else if (modification instanceof MilterModification.ReplaceBody replace) {
                if (newBody == null) {
                    newBody = new ByteArrayOutputStream();
                }
                newBody.writeBytes(replace.chunk());
            }
            // envelope changes and quarantine are the MTA's, not the message's
        }
        return new MilterMessage(changed, newBody == null ? body : newBody.toByteArray());
    }

    private static void change(List<Header> headers, MilterModification.ChangeHeader change, boolean leadingSpace) {
        int wanted = Math.max(change.index(), 1);
        int seen = 0;
        for (int i = 0; i < headers.size(); i++) {
            if (headers.get(i).name().equalsIgnoreCase(change.name()) && ++seen == wanted) {
                if (change.value().isEmpty()) {
                    headers.remove(i);
                } else {
                    headers.set(i, header(headers.get(i).name(), change.value(), leadingSpace));
                }
                return;
            }
        }
        // Postfix adds a header that a change names but the message lacks
        if (!change.value().isEmpty()) {
            headers.add(header(change.name(), change.value(), leadingSpace));
        }
    }

    private static Header header(String name, String value, boolean leadingSpace) {
        String folded = value.replace("\r\n", "\n").replace("\n", "\r\n");
        return new Header(name, leadingSpace ? folded : " " + folded);
    }

    /** The message as it is written to the queue. */
    public byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 1024);
        for (Header header : headers) {
            out.writeBytes(header.bytes());
        }
        out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(body);
        return out.toByteArray();
    }

    /** The first value of a header, trimmed, for tests and logs. */
    public String header(String name) {
        return headers.stream().filter(h -> h.name().equalsIgnoreCase(name)).findFirst()
            .map(h -> h.value().trim()).orElse(null);
    }

    @Override
    public String toString() {
        return headers.size() + " headers, " + body.length + " body bytes";
    }
}
