package dev.postern.testing.smtp;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One transaction an {@link SmtpSink} accepted: envelope, raw content (dot-unstuffed, CRLF line
 * endings, without the terminating dot) and where it came from.
 */
public record SinkMessage(
        long sequence,
        String clientAddress,
        String helo,
        String sender,
        String mailParameters,
        List<String> recipients,
        byte[] content,
        Instant receivedAt) {

    public SinkMessage {
        recipients = List.copyOf(recipients);
        content = content.clone();
    }

    @Override
    public byte[] content() {
        return content.clone();
    }

    /** The content decoded as UTF-8. */
    public String contentAsString() {
        return new String(content, StandardCharsets.UTF_8);
    }

    /** The header section: every line before the first empty line, with CRLF endings. */
    public String headerSection() {
        String text = contentAsString();
        int end = text.indexOf("\r\n\r\n");
        return end < 0 ? text : text.substring(0, end + 2);
    }

    /** The body: everything after the first empty line ({@code ""} when there is none). */
    public String body() {
        String text = contentAsString();
        int end = text.indexOf("\r\n\r\n");
        return end < 0 ? "" : text.substring(end + 4);
    }

    /** Every header as {@code Name: value}, unfolded (continuation lines joined with their white space), in order. */
    public List<String> headers() {
        List<String> headers = new ArrayList<>();
        for (String line : headerSection().split("\r\n")) {
            if (line.isEmpty()) {
                continue;
            }
            if ((line.startsWith(" ") || line.startsWith("\t")) && !headers.isEmpty()) {
                int last = headers.size() - 1;
                headers.set(last, headers.get(last) + line);
            } else {
                headers.add(line);
            }
        }
        return headers;
    }

    /** Values (unfolded, leading white space trimmed) of every header with that name, in order. */
    public List<String> headerValues(String name) {
        String prefix = name.toLowerCase(Locale.ROOT) + ":";
        List<String> values = new ArrayList<>();
        for (String header : headers()) {
            if (header.toLowerCase(Locale.ROOT).startsWith(prefix)) {
                values.add(header.substring(prefix.length()).strip());
            }
        }
        return values;
    }

    /** The first header of that name. */
    public Optional<String> header(String name) {
        List<String> values = headerValues(name);
        return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    @Override
    public String toString() {
        return "SinkMessage#" + sequence + "{from=<" + sender + ">, to=" + recipients + ", client=" + clientAddress
                + ", " + content.length + " bytes}";
    }
}
