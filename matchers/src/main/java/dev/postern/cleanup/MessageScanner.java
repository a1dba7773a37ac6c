package dev.postern.cleanup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a message into what Postfix's cleanup hands to each check: logical headers of the
 * primary header block, of body parts and of attached messages, and body records, following
 * the MIME structure (multipart boundaries, {@code message/rfc822}) far enough to tell them
 * apart. It reads the stream once, keeping only the header in progress and the stack of
 * open boundaries, so a large message costs no memory.
 */
final class MessageScanner {
    /** Postfix's MIME headers: in any header block they go to mime_header_checks. */
    private static final Set<String> MIME_HEADERS = Set.of("content-description", "content-disposition",
        "content-id", "content-transfer-encoding", "content-type", "mime-version");
    private static final Pattern CONTENT_TYPE = Pattern.compile("\\s*([^\\s/;]+)\\s*/\\s*([^\\s;]+)");
    private static final Pattern BOUNDARY = Pattern.compile("(?i);\\s*boundary\\s*=\\s*(?:\"([^\"]*)\"|([^\\s;]+))");

    private static final byte[] DASHES = {'-', '-'};

    private enum State { PRIMARY, MULTIPART, NESTED, BODY }

    private enum Type { TEXT, RFC822, MULTIPART }

    /** An open multipart: its boundary, and the type of its parts when they do not say. */
    private record Boundary(String text, Type defaultType) {
    }

    private final ContentVisitor visitor;
    private final int headerSizeLimit;
    private final Deque<Boundary> boundaries = new ArrayDeque<>();
    private State state = State.PRIMARY;
    private Type type = Type.TEXT;
    private StringBuilder header;
    private String headerName;
    private long headerFirst;
    private long headerLast;
    private long bodyOffset;
    private boolean previousContinued;

    MessageScanner(ContentVisitor visitor, int headerSizeLimit) {
        this.visitor = visitor;
        this.headerSizeLimit = headerSizeLimit;
    }

    /** Reads the message until its end or until the visitor asks to stop. */
    void scan(InputStream message) throws IOException {
        try (MessageRecords records = new MessageRecords(message)) {
            MessageRecords.Record record;
            while ((record = records.next()) != null) {
                boolean more = accept(record);
                previousContinued = record.continued();
                if (!more) {
                    return;
                }
            }
            flushHeader();
        }
    }

    private boolean accept(MessageRecords.Record record) {
        if (state != State.BODY) {
            String text = decode(record);
            if (header != null && (previousContinued || startsWithBlank(text))) {
                append(previousContinued ? text : "\n" + text, record.index());
                return true;
            }
            if (!flushHeader()) {
                return false;
            }
            int nameLength = headerNameLength(text);
            if (nameLength > 0) {
                startHeader(text, nameLength, record.index());
                return true;
            }
            if (!endOfHeaders(text.isEmpty())) {
                return false;
            }
        }
        return bodyRecord(record);
    }

    private static String decode(MessageRecords.Record record) {
        return new String(record.content(), StandardCharsets.UTF_8);
    }

    /** The blank line (or, in broken mail, any other line) that ends a header block. */
    private boolean endOfHeaders(boolean blank) {
        if (state == State.PRIMARY && !visitor.wantsMoreThanHeaders()) {
            return false;
        }
        if (blank && type == Type.RFC822) {
            enterHeaders(State.NESTED, Type.TEXT);
        } else {
            state = State.BODY;
            bodyOffset = 0;
        }
        return true;
    }

    /** Body records are decoded only when a boundary or the body checks need the text: most never are. */
    private boolean bodyRecord(MessageRecords.Record record) {
        if (state == State.BODY && !previousContinued && !boundaries.isEmpty() && record.startsWith(DASHES)) {
            boundary(decode(record));
        }
        long offset = bodyOffset;
        bodyOffset += record.content().length + 1L;
        if (!visitor.inspectsBodyAt(offset)) {
            return true;
        }
        return visitor.body(decode(record), record.index(), offset);
    }

    /** A {@code --boundary} line opens the next part; {@code --boundary--} closes the multipart. */
    private void boundary(String text) {
        Boundary found = boundaries.stream().filter(b -> text.startsWith(b.text(), 2)).findFirst().orElse(null);
        if (found == null) {
            return;
        }
        while (boundaries.peek() != found) {
            boundaries.pop();
        }
        if (text.startsWith("--", 2 + found.text().length())) {
            boundaries.pop();
            state = State.BODY;
            bodyOffset = 0;
        } else {
            enterHeaders(State.MULTIPART, found.defaultType());
        }
    }

    private void enterHeaders(State headerState, Type defaultType) {
        state = headerState;
        type = defaultType;
    }

    private void startHeader(String text, int nameLength, long index) {
        headerName = text.substring(0, nameLength);
        int colon = text.indexOf(':', nameLength);
        // "Name : value" (obsolete syntax) is inspected as "Name: value", as Postfix does
        header = new StringBuilder(headerName).append(text, colon, text.length());
        if (header.length() > headerSizeLimit) {
            header.setLength(headerSizeLimit);
        }
        headerFirst = index;
        headerLast = index;
    }

    private void append(String text, long index) {
        int room = headerSizeLimit - header.length();
        if (room > 0) {
            header.append(text, 0, Math.min(room, text.length()));
        }
        headerLast = index;
    }

    private boolean flushHeader() {
        if (header == null) {
            return true;
        }
        String text = header.toString();
        header = null;
        boolean mime = MIME_HEADERS.contains(headerName.toLowerCase(Locale.ROOT));
        if (mime && headerName.equalsIgnoreCase("content-type")) {
            contentType(text.substring(headerName.length() + 1));
        }
        return visitor.header(classOf(mime), text, headerFirst, headerLast);
    }

    private ContentClass classOf(boolean mime) {
        if (state == State.MULTIPART || mime) {
            return ContentClass.MIME_HEADER;
        }
        return state == State.NESTED ? ContentClass.NESTED_HEADER : ContentClass.HEADER;
    }

    private void contentType(String value) {
        Matcher matcher = CONTENT_TYPE.matcher(value);
        if (!matcher.lookingAt()) {
            return;
        }
        String major = matcher.group(1).toLowerCase(Locale.ROOT);
        String minor = matcher.group(2).toLowerCase(Locale.ROOT);
        if (major.equals("message") && (minor.equals("rfc822") || minor.equals("global"))) {
            type = Type.RFC822;
        } else if (major.equals("multipart")) {
            Matcher boundary = BOUNDARY.matcher(value);
            if (boundary.find()) {
                type = Type.MULTIPART;
                String text = boundary.group(1) != null ? boundary.group(1) : boundary.group(2);
                boundaries.push(new Boundary(text, minor.equals("digest") ? Type.RFC822 : Type.TEXT));
            }
        } else {
            type = Type.TEXT;
        }
    }

    /** Postfix's is_header: a name of printable ASCII other than ':', optional blanks, then ':'. */
    static int headerNameLength(String text) {
        int length = 0;
        while (length < text.length() && isNameChar(text.charAt(length))) {
            length++;
        }
        int colon = length;
        while (colon < text.length() && (text.charAt(colon) == ' ' || text.charAt(colon) == '\t')) {
            colon++;
        }
        return length > 0 && colon < text.length() && text.charAt(colon) == ':' ? length : 0;
    }

    private static boolean isNameChar(char c) {
        return c > ' ' && c < 0x7f && c != ':';
    }

    private static boolean startsWithBlank(String text) {
        return !text.isEmpty() && (text.charAt(0) == ' ' || text.charAt(0) == '\t');
    }
}
