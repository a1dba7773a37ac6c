package dev.postern.delivery.pipe;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * What a pipe command reads on standard input: the lines pipe(8)'s flags prepend (F: the mbox
 * {@code From } line, R: {@code Return-Path:}, O: {@code X-Original-To:}, D: {@code Delivered-To:}),
 * the message with {@code eol=} line ends, lines starting with a dot doubled (flag {@code .}) and
 * lines starting with {@code From } quoted as {@code >From } (flag {@code >}), and a blank line
 * after it (flag {@code B}).
 */
final class PipeInput {
    private static final DateTimeFormatter ASCTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT);

    private PipeInput() {
    }

    /**
     * @param message      the message as stored (CR LF line ends)
     * @param sender       the envelope sender, empty for the null sender
     * @param recipient    the one recipient (flags D and O are allowed with one recipient only)
     * @param original     that recipient as the sender wrote it
     */
    static byte[] of(PipeService service, byte[] message, String sender, String recipient, String original,
                     ZonedDateTime now) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length + 256);
        String eol = service.eol();
        if (service.hasFlag('F')) {
            write(out, "From " + (sender.isEmpty() ? "MAILER-DAEMON" : sender) + "  " + ASCTIME.format(now) + eol);
        }
        if (service.hasFlag('R')) {
            write(out, "Return-Path: <" + sender + ">" + eol);
        }
        if (service.hasFlag('O')) {
            write(out, "X-Original-To: " + original + eol);
        }
        if (service.hasFlag('D')) {
            write(out, "Delivered-To: " + recipient + eol);
        }
        byte[] eolBytes = eol.getBytes(StandardCharsets.UTF_8);
        int start = 0;
        while (start < message.length) {
            int end = start;
            while (end < message.length && message[end] != '\n') {
                end++;
            }
            int lineEnd = end > start && message[end - 1] == '\r' ? end - 1 : end;
            if (service.hasFlag('.') && lineEnd > start && message[start] == '.') {
                out.write('.');
            }
            if (service.hasFlag('>') && startsWithFrom(message, start, lineEnd)) {
                out.write('>');
            }
            out.write(message, start, lineEnd - start);
            if (end < message.length) {
                out.writeBytes(eolBytes);
            }
            start = end + 1;
        }
        if (service.hasFlag('B')) {
            out.writeBytes(eolBytes);
        }
        return out.toByteArray();
    }

    private static boolean startsWithFrom(byte[] message, int start, int end) {
        byte[] from = {'F', 'r', 'o', 'm', ' '};
        if (end - start < from.length) {
            return false;
        }
        for (int i = 0; i < from.length; i++) {
            if (message[start + i] != from[i]) {
                return false;
            }
        }
        return true;
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }
}
