package dev.postern.app.harness;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.postern.testing.smtp.SinkMessage;
import dev.postern.testing.smtp.SmtpSink;

/** RFC 5322 messages for tests, each identifiable by a token in its Subject and Message-ID. */
public final class TestMessages {

    private static final Pattern TOKEN_SUBJECT = Pattern.compile("^postern-it token (\\S+)$");

    private TestMessages() {
    }

    /**
     * A message with {@code From}, {@code To}, {@code Subject: postern-it token TOKEN}, {@code Date},
     * {@code Message-ID: <TOKEN@it.postern.test>} and the given body (LF or CRLF line endings).
     */
    public static String withToken(String from, String to, String token, String body) {
        return "From: <" + from + ">\r\n"
                + "To: <" + to + ">\r\n"
                + "Subject: postern-it token " + token + "\r\n"
                + "Date: " + DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now()) + "\r\n"
                + "Message-ID: <" + token + "@it.postern.test>\r\n"
                + "\r\n"
                + body;
    }

    /** The token of a message built by {@link #withToken}, read from its Subject. */
    public static Optional<String> token(SinkMessage message) {
        for (String subject : message.headerValues("Subject")) {
            Matcher m = TOKEN_SUBJECT.matcher(subject);
            if (m.matches()) {
                return Optional.of(m.group(1));
            }
        }
        return Optional.empty();
    }

    /** The messages the sink accepted with this token (in order of acceptance). */
    public static List<SinkMessage> withToken(SmtpSink sink, String token) {
        return sink.messages().stream().filter(m -> token(m).filter(token::equals).isPresent()).toList();
    }

    /**
     * Waits until the sink accepted a message with this token and returns all of them: how tests that
     * share a sink find their own messages.
     */
    public static List<SinkMessage> awaitToken(SmtpSink sink, String token, Duration timeout) {
        Await.until("a message with token " + token + " at the sink on port " + sink.port(), timeout,
            () -> !withToken(sink, token).isEmpty());
        return withToken(sink, token);
    }

    /** How often each token arrived (messages without a token are counted under {@code "(none)"}). */
    public static Map<String, Integer> tokenCounts(Collection<SinkMessage> messages) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (SinkMessage message : messages) {
            counts.merge(token(message).orElse("(none)"), 1, Integer::sum);
        }
        return counts;
    }

    /** Tokens that arrived more than once, with their count, as a printable list. */
    public static List<String> duplicates(Map<String, Integer> counts) {
        List<String> duplicates = new ArrayList<>();
        counts.forEach((token, count) -> {
            if (count > 1) {
                duplicates.add(token + " x" + count);
            }
        });
        return duplicates;
    }
}
