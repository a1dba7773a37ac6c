package dev.postern.app.metrics;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the lines Postern's mail log writes (the shapes pflogsumm parses, docs/logging-and-metrics.md)
 * into {@link MailLogEvent}s. Lines it does not count (cleanup's message-id, qmgr's removed,
 * disconnects, warnings) give nothing. Delivery lines are not parsed: their writers
 * ({@code DeliveryLog}, {@code CleanupDeferral}) give their outcome as fields
 * ({@link dev.postern.log.MailLog#logDelivery}).
 */
public final class MailLogParser {
    private static final String QID = "[A-Za-z0-9]+: ";
    private static final Pattern RECEIVED = Pattern.compile(
        QID + "from=<[^>]*>, size=(\\d+), nrcpt=\\d+ \\(queue active\\)");
    private static final Pattern EXPIRED = Pattern.compile(QID + "from=<[^>]*>, status=expired, returned to sender");
    /** pflogsumm's reject form: {@code QID|NOQUEUE: reject: WHERE from NAME[IP]: CODE text; from=<s> ...}. */
    private static final Pattern REJECT = Pattern.compile(QID + "reject: \\S+ from \\S+: ([2-5]\\d\\d) (.*)");
    /** The tail of a reject line after the reply: {@code ; from=<s> to=<r> proto=ESMTP helo=<h>}. */
    private static final Pattern REJECT_TAIL = Pattern.compile("; (?:from=<|to=<|proto=)");
    private static final Pattern HOLD = Pattern.compile(QID + "hold: .*");
    private static final Pattern DISCARD = Pattern.compile(QID + "discard: .*");
    private static final Pattern BOUNCE = Pattern.compile(QID + "sender non-delivery notification: [A-Za-z0-9]+");

    /** postscreen's counted lines, by their leading words, and the event label each gets. */
    private static final java.util.Map<String, String> POSTSCREEN = java.util.Map.ofEntries(
        java.util.Map.entry("CONNECT from ", "connect"), java.util.Map.entry("PASS NEW ", "pass_new"),
        java.util.Map.entry("PASS OLD ", "pass_old"), java.util.Map.entry("PREGREET ", "pregreet"),
        java.util.Map.entry("DNSBL rank ", "dnsbl"), java.util.Map.entry("DENYLISTED ", "denylisted"),
        java.util.Map.entry("ALLOWLISTED ", "allowlisted"), java.util.Map.entry("HANGUP ", "hangup"),
        java.util.Map.entry("DISCONNECT ", "disconnect"), java.util.Map.entry("COMMAND PIPELINING ", "pipelining"),
        java.util.Map.entry("NON-SMTP COMMAND ", "non_smtp_command"), java.util.Map.entry("BARE NEWLINE ", "bare_newline"));

    private MailLogParser() {
    }

    /**
     * @param service the daemon as logged; a listener prefix ({@code submission/smtpd}) is ignored
     * @param text    the line after the {@code name[pid]: } prefix
     */
    public static Optional<MailLogEvent> parse(String service, String text) {
        String daemon = service.substring(service.lastIndexOf('/') + 1);
        Matcher m;
        switch (daemon) {
            case "smtpd" -> {
                if (text.startsWith("connect from ")) {
                    return Optional.of(new MailLogEvent.Connection());
                }
                if ((m = REJECT.matcher(text)).matches()) {
                    return Optional.of(new MailLogEvent.Reject(m.group(1), RejectRestriction.of(reason(m.group(2)))));
                }
                return actions(text);
            }
            case "cleanup" -> {
                return actions(text);
            }
            case "qmgr" -> {
                if ((m = RECEIVED.matcher(text)).matches()) {
                    return Optional.of(new MailLogEvent.Received(Long.parseLong(m.group(1))));
                }
                if (EXPIRED.matcher(text).matches()) {
                    return Optional.of(new MailLogEvent.Expired());
                }
                return Optional.empty();
            }
            case "postscreen" -> {
                return POSTSCREEN.entrySet().stream().filter(word -> text.startsWith(word.getKey())).findFirst()
                    .map(word -> new MailLogEvent.Postscreen(word.getValue()));
            }
            case "bounce" -> {
                if (BOUNCE.matcher(text).matches()) {
                    return Optional.of(new MailLogEvent.Bounce());
                }
                return Optional.empty();
            }
            default -> {
                // Delivery lines are not read back: MailLog.logDelivery hands their outcome over as fields.
                return Optional.empty();
            }
        }
    }

    private static Optional<MailLogEvent> actions(String text) {
        if (HOLD.matcher(text).matches()) {
            return Optional.of(new MailLogEvent.Hold());
        }
        if (DISCARD.matcher(text).matches()) {
            return Optional.of(new MailLogEvent.Discard());
        }
        return Optional.empty();
    }

    /** The reply text without the envelope tail, whose addresses must not decide the restriction. */
    private static String reason(String afterCode) {
        Matcher tail = REJECT_TAIL.matcher(afterCode);
        return tail.find() ? afterCode.substring(0, tail.start()) : afterCode;
    }
}
