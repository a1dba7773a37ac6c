package dev.postern.delivery.smtp.sts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An MTA-STS policy (RFC 8461 §3.2), parsed strictly: {@code version: STSv1} first, a
 * {@code mode} of enforce, testing or none, {@code max_age} in seconds (at most 31557600), and
 * one or more {@code mx:} patterns (none allowed only in mode none). Of a field other than mx given
 * twice the first counts, as the RFC says; unknown fields are ignored; any other line is an error.
 *
 * @param lines the policy's lines as served, for the TLS report's {@code policy-string}
 */
public record StsPolicy(StsMode mode, List<MxPattern> mx, Duration maxAge, List<String> lines) {
    /** RFC 8461 §3.2: max_age is at most 31557600 (about a year). */
    public static final long MAX_AGE_LIMIT = 31_557_600L;
    private static final Pattern FIELD = Pattern.compile("([A-Za-z0-9_]{1,32})[ \\t]*:[ \\t]*(.*?)[ \\t]*");

    public StsPolicy {
        mx = List.copyOf(mx);
        lines = List.copyOf(lines);
    }

    /** Whether the MX host may receive mail under this policy. */
    public boolean allows(String mxHost) {
        return mx.stream().anyMatch(p -> p.matches(mxHost));
    }

    /**
     * @param where names the policy in error messages (its URL)
     * @throws StsPolicyException naming the line at fault
     */
    public static StsPolicy parse(String text, String where) throws StsPolicyException {
        String[] raw = text.split("\r?\n", -1);
        List<String> lines = new ArrayList<>();
        String version = null;
        StsMode mode = null;
        Long maxAge = null;
        List<MxPattern> mx = new ArrayList<>();
        for (int i = 0; i < raw.length; i++) {
            String line = raw[i];
            if (line.isEmpty()) {
                continue;
            }
            Matcher m = FIELD.matcher(line);
            if (!m.matches()) {
                throw new StsPolicyException(where + " line " + (i + 1) + ": not a \"key: value\" field: \"" + printable(line) + "\"");
            }
            lines.add(line);
            String key = m.group(1);
            String value = m.group(2);
            if (version == null && !key.equals("version")) {
                throw new StsPolicyException(where + " line " + (i + 1) + ": the first field must be version, not " + key);
            }
            switch (key) {
                case "version" -> version = version != null ? version : version(value, where, i + 1);
                case "mode" -> mode = mode != null ? mode : mode(value, where, i + 1);
                case "max_age" -> maxAge = maxAge != null ? maxAge : maxAge(value, where, i + 1);
                case "mx" -> mx.add(pattern(value, where, i + 1));
                default -> {
                    // RFC 8461 §3.2: fields the sender does not know are ignored.
                }
            }
        }
        if (version == null) {
            throw new StsPolicyException(where + ": no version field");
        }
        if (mode == null) {
            throw new StsPolicyException(where + ": no mode field");
        }
        if (maxAge == null) {
            throw new StsPolicyException(where + ": no max_age field");
        }
        if (mx.isEmpty() && mode != StsMode.NONE) {
            throw new StsPolicyException(where + ": mode " + mode.keyword() + " without any mx field");
        }
        return new StsPolicy(mode, mx, Duration.ofSeconds(maxAge), lines);
    }

    private static String version(String value, String where, int line) throws StsPolicyException {
        if (!value.equals("STSv1")) {
            throw new StsPolicyException(where + " line " + line + ": version \"" + printable(value) + "\" is not STSv1");
        }
        return value;
    }

    private static StsMode mode(String value, String where, int line) throws StsPolicyException {
        for (StsMode mode : StsMode.values()) {
            if (mode.keyword().equals(value)) {
                return mode;
            }
        }
        throw new StsPolicyException(where + " line " + line + ": mode \"" + printable(value)
            + "\" is none of enforce, testing, none");
    }

    private static long maxAge(String value, String where, int line) throws StsPolicyException {
        if (!value.matches("[0-9]{1,10}") || Long.parseLong(value) > MAX_AGE_LIMIT) {
            throw new StsPolicyException(where + " line " + line + ": max_age \"" + printable(value)
                + "\" is not a number of seconds from 0 to " + MAX_AGE_LIMIT);
        }
        return Long.parseLong(value);
    }

    private static MxPattern pattern(String value, String where, int line) throws StsPolicyException {
        if (!value.matches("(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?\\.?")) {
            throw new StsPolicyException(where + " line " + line + ": mx \"" + printable(value) + "\" is not a host name pattern");
        }
        try {
            return new MxPattern(value);
        } catch (IllegalArgumentException e) {
            throw new StsPolicyException(where + " line " + line + ": " + e.getMessage(), e);
        }
    }

    /** Text from a remote server, made printable before it reaches a log line. */
    static String printable(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(200).forEach(c -> out.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : "?"));
        return out.toString();
    }

    /** Optional mx patterns as text, for log lines. */
    public Optional<String> mxList() {
        return mx.isEmpty() ? Optional.empty() : Optional.of(String.join(" ", mx.stream().map(MxPattern::pattern).toList()));
    }
}
