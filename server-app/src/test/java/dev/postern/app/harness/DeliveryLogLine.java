package dev.postern.app.harness;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One delivery agent's line of the mail log, taken apart as pflogsumm reads it:
 * {@code Mmm dd hh:mm:ss HOST postern/SERVICE[PID]: QID: to=<R>, [orig_to=<O>, ]relay=RELAY, delay=N,
 * delays=a/b/c/d, dsn=D.S.N, status=STATUS (TEXT)}.
 */
public record DeliveryLogLine(String service, String queueId, String recipient, String relay, String dsn, String status,
                              String text, String line) {

    private static final Pattern LINE = Pattern.compile("^[A-Z][a-z]{2} [ 1-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9] \\S+"
        + " postern/([a-z0-9/]+)\\[[0-9]+\\]: ([0-9A-F]{10,12}): to=<([^>]*)>, (?:orig_to=<[^>]*>, )?relay=(\\S+),"
        + " delay=[0-9.]+, delays=[0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+, dsn=([245]\\.[0-9]{1,3}\\.[0-9]{1,3}),"
        + " status=([a-z]+) \\((.*)\\)$");

    /** The line taken apart, or empty when it is not a delivery line. */
    public static Optional<DeliveryLogLine> parse(String line) {
        Matcher m = LINE.matcher(line);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new DeliveryLogLine(m.group(1), m.group(2), m.group(3), m.group(4), m.group(5), m.group(6),
            m.group(7), line));
    }

    /** Every delivery line of the server's mail log, in order. */
    public static List<DeliveryLogLine> all(PosternProcess server) {
        return server.maillogLines().stream().map(DeliveryLogLine::parse).flatMap(Optional::stream).toList();
    }

    /** The delivery lines about one recipient, in order. */
    public static List<DeliveryLogLine> of(PosternProcess server, String recipient) {
        return all(server).stream().filter(line -> line.recipient().equalsIgnoreCase(recipient)).toList();
    }
}
