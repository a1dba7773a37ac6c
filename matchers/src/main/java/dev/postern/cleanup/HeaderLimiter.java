package dev.postern.cleanup;


import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import dev.postern.restrictions.Reply;

/**
 * Applies {@link HeaderLimits} to one message while its lines stream in, before anything is
 * stored, as Postfix's cleanup does: no header block is ever held whole. Each line of the primary
 * header is passed on as it is, shortened, or dropped:
 * <ul>
 * <li>a logical header longer than {@code header_size_limit} loses its excess (Postfix:
 * "Header text that does not fit in $header_size_limit bytes is discarded");</li>
 * <li>an address header ({@code From:}, {@code To:}, ... as Postfix's header_opts lists them) loses
 * the tokens beyond {@code header_address_token_limit};</li>
 * <li>the {@code hopcount_limit}-th {@code Received:} header (the server's own counts, as in Postfix)
 * refuses the message with Postfix's {@code 554 5.4.0 Error: too many hops};</li>
 * <li>a primary header over {@code postern_header_block_size_limit} bytes refuses the message with
 * {@code 552 5.3.4}.</li>
 * </ul>
 * Once the message is refused, no line of it is kept: it will not be queued. Body lines pass
 * untouched. Lines are raw SMTP data lines with their terminators; a dot-stuffed line is
 * judged without its stuffing dot, which it keeps.
 */
public final class HeaderLimiter {
    public static final Reply TOO_MANY_HOPS = new Reply(554, "5.4.0", "Error: too many hops");
    public static final Reply HEADER_TOO_BIG = new Reply(552, "5.3.4", "Error: message header size exceeds limit");

    /** The headers whose addresses Postfix's cleanup parses (HDR_OPT_SENDER, _RECIP, _XRECIP). */
    private static final Set<String> ADDRESS_HEADERS = Set.of("apparently-to", "bcc", "cc",
        "disposition-notification-to", "errors-to", "from", "mail-followup-to", "reply-to", "resent-bcc",
        "resent-cc", "resent-from", "resent-reply-to", "resent-sender", "resent-to", "return-path",
        "return-receipt-to", "sender", "to");

    private final HeaderLimits limits;
    private boolean body;
    private Reply verdict;
    private long blockBytes;
    private int hops;
    /** Bytes of the open logical header (a line break counts one), or -1 when none is open. */
    private long headerBytes = -1;
    /** The open header reached a limit: the rest of it is discarded. */
    private boolean headerFull;
    /** The token count of the open header when it is an address header, else null. */
    private AddressTokenCounter tokens;

    public HeaderLimiter(HeaderLimits limits) {
        this.limits = limits;
    }

    /** The refusal the message has earned, if any. */
    public Optional<Reply> verdict() {
        return Optional.ofNullable(verdict);
    }

    /** The line to store for {@code line}: the same array, a shortened copy, or null to drop it. */
    public byte[] filter(byte[] line) {
        if (verdict != null) {
            return null;
        }
        if (body) {
            return line;
        }
        int start = line.length > 1 && line[0] == '.' && line[1] == '.' ? 1 : 0;
        int end = contentEnd(line);
        String text = new String(line, start, Math.max(end - start, 0), StandardCharsets.ISO_8859_1);
        if (headerBytes >= 0 && startsWithBlank(text)) {
            return headerFull ? null : keep(line, start, text, 0, true);
        }
        int nameLength = MessageScanner.headerNameLength(text);
        if (nameLength == 0) {
            // the blank line, or in broken mail any other line that is not a header, starts the body
            body = true;
            return line;
        }
        return startHeader(line, start, text, nameLength);
    }

    private byte[] startHeader(byte[] line, int start, String text, int nameLength) {
        String name = text.substring(0, nameLength).toLowerCase(Locale.ROOT);
        if (name.equals("received") && ++hops >= limits.hopcountLimit()) {
            return refuse(TOO_MANY_HOPS);
        }
        headerBytes = 0;
        headerFull = false;
        tokens = ADDRESS_HEADERS.contains(name) ? new AddressTokenCounter(limits.addressTokenLimit()) : null;
        return keep(line, start, text, text.indexOf(':', nameLength) + 1, false);
    }

    /**
     * Keeps what fits of one line of the open header: up to the header's size limit, and for an
     * address header up to the last token allowed. {@code from} is where the addresses start.
     */
    private byte[] keep(byte[] line, int start, String text, int from, boolean continuation) {
        int cut = text.length();
        long room = limits.headerSizeLimit() - headerBytes;
        if (cut > room) {
            cut = (int) Math.max(room, from);
            headerFull = true;
        }
        if (tokens != null && cut > from) {
            int tokenCut = tokens.cutIndex(text.substring(from, cut));
            if (tokenCut >= 0) {
                cut = trimTrailingBlanks(text, from + tokenCut);
                headerFull = true;
            }
        }
        if (continuation && text.substring(0, cut).isBlank()) {
            // a blank line here would end the header: drop what would be left of it instead
            headerFull = true;
            return null;
        }
        headerBytes += cut + 1L;
        byte[] kept = cut == text.length() ? line : shortened(line, start, cut);
        blockBytes += kept.length;
        if (blockBytes > limits.headerBlockSizeLimit()) {
            return refuse(HEADER_TOO_BIG);
        }
        return kept;
    }

    private byte[] refuse(Reply reply) {
        verdict = reply;
        return null;
    }

    /** The first {@code cut} characters of the line's content (after any stuffing dot) and its terminator. */
    private static byte[] shortened(byte[] line, int start, int cut) {
        int end = contentEnd(line);
        byte[] terminator = Arrays.copyOfRange(line, end, line.length);
        byte[] kept = Arrays.copyOf(line, start + cut + terminator.length);
        System.arraycopy(terminator, 0, kept, start + cut, terminator.length);
        return kept;
    }

    private static int contentEnd(byte[] line) {
        int end = line.length;
        if (end > 0 && line[end - 1] == '\n') {
            end--;
            if (end > 0 && line[end - 1] == '\r') {
                end--;
            }
        }
        return end;
    }

    private static int trimTrailingBlanks(String text, int end) {
        while (end > 0 && (text.charAt(end - 1) == ' ' || text.charAt(end - 1) == '\t')) {
            end--;
        }
        return end;
    }

    private static boolean startsWithBlank(String text) {
        return !text.isEmpty() && (text.charAt(0) == ' ' || text.charAt(0) == '\t');
    }
}
