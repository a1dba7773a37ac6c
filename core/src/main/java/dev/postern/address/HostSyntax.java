package dev.postern.address;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

/**
 * Postfix's syntax checks for host names and addresses ({@code valid_hostname.c},
 * {@code valid_mailhost_addr.c}), which decide whether a resolved address is usable at all.
 * None of them touches DNS.
 */
public final class HostSyntax {
    private static final int MAX_LABEL = 63;
    private static final int MAX_NAME = 255;
    private static final String IPV6_PREFIX = "IPv6:";

    private HostSyntax() {
    }

    /**
     * A host name: labels of letters, digits, {@code _} and inner hyphens, at most 63
     * characters each and 255 in all, no empty label, not all digits (a bare address is no
     * name). Letters and digits beyond ASCII are accepted, as Postfix does with SMTPUTF8.
     */
    public static boolean isValidHostname(String name) {
        if (name.isEmpty() || name.length() > MAX_NAME) {
            return false;
        }
        boolean nonNumeric = false;
        int labelLength = 0;
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            boolean last = i + 1 == name.length();
            if (ch == '.') {
                if (labelLength == 0 || last) {
                    return false;
                }
                labelLength = 0;
            } else if (ch == '-') {
                nonNumeric = true;
                labelLength++;
                if (labelLength == 1 || last || name.charAt(i + 1) == '.') {
                    return false;
                }
            } else if (isAsciiAlnum(ch) || ch == '_' || (ch > 127 && Character.isLetterOrDigit(ch))) {
                labelLength++;
                if (labelLength > MAX_LABEL) {
                    return false;
                }
                if (ch < '0' || ch > '9') {
                    nonNumeric = true;
                }
            } else {
                return false;
            }
        }
        return nonNumeric;
    }

    /** A bare IPv4 or IPv6 address, as {@code valid_hostaddr} accepts it. */
    public static boolean isValidHostAddress(String text) {
        return isValidIpv4(text) || isValidIpv6(text);
    }

    /** Four decimal octets; {@code 0.x.y.z} is refused but {@code 0.0.0.0} is not, as in Postfix. */
    public static boolean isValidIpv4(String text) {
        int octets = 0;
        int value = 0;
        boolean inOctet = false;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch >= '0' && ch <= '9') {
                if (!inOctet) {
                    inOctet = true;
                    value = 0;
                    octets++;
                }
                value = value * 10 + (ch - '0');
                if (value > 255) {
                    return false;
                }
            } else if (ch == '.') {
                if (!inOctet || i + 1 == text.length()) {
                    return false;
                }
                if (octets == 1 && value == 0 && !text.chars().allMatch(c -> c == '0' || c == '.')) {
                    return false;
                }
                inOctet = false;
            } else {
                return false;
            }
        }
        return octets == 4;
    }

    /** IPv6 text form: up to eight hex groups, one {@code ::}, an optional dotted IPv4 tail. */
    public static boolean isValidIpv6(String text) {
        if (text.isEmpty() || text.indexOf(':') < 0) {
            return false;
        }
        int compressed = text.indexOf("::");
        if (compressed >= 0 && text.indexOf("::", compressed + 1) >= 0) {
            return false;
        }
        String[] halves = compressed >= 0
            ? new String[] {text.substring(0, compressed), text.substring(compressed + 2)}
            : new String[] {text};
        int fields = 0;
        for (int h = 0; h < halves.length; h++) {
            String half = halves[h];
            if (half.isEmpty()) {
                continue;
            }
            String[] groups = half.split(":", -1);
            for (int g = 0; g < groups.length; g++) {
                String group = groups[g];
                boolean lastGroup = h == halves.length - 1 && g == groups.length - 1;
                if (lastGroup && group.indexOf('.') >= 0) {
                    if (!isValidIpv4(group)) {
                        return false;
                    }
                    fields += 2;
                } else if (group.isEmpty() || group.length() > 4 || !group.chars().allMatch(HostSyntax::isHex)) {
                    return false;
                } else {
                    fields++;
                }
            }
        }
        return compressed >= 0 ? fields < 8 : fields == 8;
    }

    /**
     * An address as written inside {@code [...]} in mail: IPv4, or IPv6 with the
     * {@code IPv6:} prefix RFC 5321 requires. Returns the bare address.
     */
    public static Optional<String> mailhostAddress(String text) {
        if (text.regionMatches(true, 0, IPV6_PREFIX, 0, IPV6_PREFIX.length())) {
            String bare = text.substring(IPV6_PREFIX.length());
            return isValidIpv6(bare) ? Optional.of(bare) : Optional.empty();
        }
        return isValidIpv4(text) ? Optional.of(text) : Optional.empty();
    }

    /** {@code [192.0.2.1]} or {@code [IPv6:2001:db8::1]}, nothing after the bracket. */
    public static boolean isValidMailhostLiteral(String text) {
        return literalAddress(text).isPresent();
    }

    /** The address inside a valid mail host literal, parsed without DNS. */
    public static Optional<InetAddress> literalAddress(String text) {
        if (!text.startsWith("[") || text.indexOf(']') != text.length() - 1) {
            return Optional.empty();
        }
        return mailhostAddress(text.substring(1, text.length() - 1)).map(HostSyntax::numeric);
    }

    /** Parses an address already checked to be numeric, so no name lookup can happen. */
    public static InetAddress numeric(String address) {
        try {
            return InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not a numeric address: " + address, e);
        }
    }

    /**
     * The text form Postfix logs and looks up a client address by: IPv4 as is (an IPv4-mapped
     * IPv6 address becomes plain IPv4, as smtpd does), IPv6 compressed and lower-case as
     * {@code inet_ntop} writes it. Anything that is no address is returned unchanged.
     */
    public static String canonicalAddress(String address) {
        String text = address.trim();
        if (text.startsWith("[") && text.endsWith("]")) {
            text = text.substring(1, text.length() - 1);
        }
        if (text.regionMatches(true, 0, IPV6_PREFIX, 0, IPV6_PREFIX.length())) {
            text = text.substring(IPV6_PREFIX.length());
        }
        if (text.regionMatches(true, 0, "::ffff:", 0, 7) && isValidIpv4(text.substring(7))) {
            return text.substring(7);
        }
        if (!isValidIpv6(text)) {
            return isValidIpv4(text) ? text : address;
        }
        byte[] bytes = numeric(text).getAddress();
        if (bytes.length == 4) {
            return numeric(text).getHostAddress();
        }
        return ntop6(bytes);
    }

    /** glibc's {@code inet_ntop} for IPv6: the longest run of two or more zero groups becomes {@code ::}. */
    private static String ntop6(byte[] bytes) {
        int[] words = new int[8];
        for (int i = 0; i < 8; i++) {
            words[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        int bestBase = -1;
        int bestLength = 0;
        for (int i = 0; i < 8;) {
            if (words[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && words[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestBase = i;
                bestLength = j - i;
            }
            i = j;
        }
        if (bestLength < 2) {
            bestBase = -1;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLength) {
                if (i == bestBase) {
                    out.append(':');
                }
                continue;
            }
            if (i != 0) {
                out.append(':');
            }
            if (i == 6 && bestBase == 0 && (bestLength == 6 || (bestLength == 5 && words[5] == 0xffff))) {
                out.append(bytes[12] & 0xff).append('.').append(bytes[13] & 0xff).append('.')
                    .append(bytes[14] & 0xff).append('.').append(bytes[15] & 0xff);
                return out.toString();
            }
            out.append(Integer.toHexString(words[i]));
        }
        if (bestBase >= 0 && bestBase + bestLength == 8) {
            out.append(':');
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }

    private static boolean isAsciiAlnum(char ch) {
        return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
    }

    private static boolean isHex(int ch) {
        return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
    }
}
