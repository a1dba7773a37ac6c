package dev.postern.content;

/**
 * The one rule for a bare CR (a CR not followed by LF) in message content: it becomes a space.
 *
 * <p>Postfix keeps a bare CR inside its line. Postern cannot keep it safely: javax.mail, which
 * every mailet that reads or rewrites headers goes through, ends a line at a bare CR, and so do
 * some next hops and mail readers, while the header and body checks (Postfix's records) do not.
 * One byte would then mean two things: {@code Subject: x<CR>From: forged} is one header to the
 * checks and two downstream, and {@code <CR>.<CR><LF>} is an end of data to a lenient next hop
 * (SMTP smuggling). A space keeps the line one line for every reader. Applied where content is
 * received, so that the queue, the checks, the mailets and every delivery see the same bytes,
 * and again by the SMTP client, so that no path sends a bare CR.
 */
public final class BareCarriageReturns {
    private BareCarriageReturns() {
    }

    /**
     * The line with each bare CR replaced by a space: the array itself when it has none (the
     * common case costs one scan and no copy), else a changed copy. A CR at the very end counts
     * as bare: the line has no LF after it.
     */
    public static byte[] replace(byte[] line) {
        for (int i = 0; i < line.length; i++) {
            if (isBare(line, i)) {
                byte[] copy = line.clone();
                for (int j = i; j < copy.length; j++) {
                    if (isBare(copy, j)) {
                        copy[j] = ' ';
                    }
                }
                return copy;
            }
        }
        return line;
    }

    /** Whether the byte at {@code index} is a CR that no LF follows. */
    public static boolean isBare(byte[] content, int index) {
        return content[index] == '\r' && (index + 1 == content.length || content[index + 1] != '\n');
    }
}
