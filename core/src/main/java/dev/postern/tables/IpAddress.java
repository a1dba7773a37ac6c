package dev.postern.tables;

/**
 * Numeric IP addresses as two longs, without {@link java.net.InetAddress} (no DNS, no exceptions
 * on the lookup path, and IPv4-mapped IPv6 addresses stay IPv6 as they are in Postfix).
 *
 * <p>An IPv4 address is {@code hi = 0, lo = the 32 bits}; an IPv6 address is its 128 bits.
 */
record IpAddress(boolean v6, long hi, long lo) {

    int bits() {
        return v6 ? 128 : 32;
    }

    /** This address with all but the first {@code prefix} bits cleared. */
    IpAddress mask(int prefix) {
        if (!v6) {
            long mask = prefix == 0 ? 0 : (0xFFFF_FFFFL << (32 - prefix)) & 0xFFFF_FFFFL;
            return new IpAddress(false, 0, lo & mask);
        }
        return new IpAddress(true, hi & highMask(prefix), lo & lowMask(prefix));
    }

    static long highMask(int prefix) {
        if (prefix == 0) {
            return 0;
        }
        return prefix >= 64 ? -1L : -1L << (64 - prefix);
    }

    static long lowMask(int prefix) {
        if (prefix <= 64) {
            return 0;
        }
        return -1L << (128 - prefix);
    }

    /** A numeric IPv4 (dotted quad) or IPv6 address, or null when the text is not one. */
    static IpAddress parse(String text) {
        if (text.indexOf(':') >= 0) {
            return parseV6(text);
        }
        long v4 = parseV4(text, 0, text.length());
        return v4 < 0 ? null : new IpAddress(false, 0, v4);
    }

    /** The 32 bits of a dotted quad in text[from, to), or -1. */
    private static long parseV4(String text, int from, int to) {
        long value = 0;
        int parts = 0;
        int i = from;
        while (parts < 4) {
            int digits = 0;
            int part = 0;
            while (i < to && digits < 4) {
                char c = text.charAt(i);
                if (c < '0' || c > '9') {
                    break;
                }
                part = part * 10 + (c - '0');
                digits++;
                i++;
            }
            if (digits == 0 || digits > 3 || part > 255) {
                return -1;
            }
            value = (value << 8) | part;
            parts++;
            if (parts < 4) {
                if (i >= to || text.charAt(i) != '.') {
                    return -1;
                }
                i++;
            }
        }
        return i == to ? value : -1;
    }

    private static IpAddress parseV6(String text) {
        int[] groups = new int[8];
        int count = 0;
        int gap = -1;
        int i = 0;
        int n = text.length();
        if (text.startsWith("::")) {
            gap = 0;
            i = 2;
            if (n == 2) {
                return new IpAddress(true, 0, 0);
            }
        } else if (n > 0 && text.charAt(0) == ':') {
            return null;
        }
        while (i < n) {
            if (count == 8) {
                return null;
            }
            int start = i;
            int value = 0;
            while (i < n && i - start < 5) {
                int digit = Character.digit(text.charAt(i), 16);
                if (digit < 0) {
                    break;
                }
                value = value * 16 + digit;
                i++;
            }
            if (i < n && text.charAt(i) == '.') {
                if (count > 6) {
                    return null;
                }
                long v4 = parseV4(text, start, n);
                if (v4 < 0) {
                    return null;
                }
                groups[count++] = (int) (v4 >>> 16);
                groups[count++] = (int) (v4 & 0xFFFF);
                i = n;
                break;
            }
            if (i == start || i - start > 4) {
                return null;
            }
            groups[count++] = value;
            if (i == n) {
                break;
            }
            if (text.charAt(i) != ':') {
                return null;
            }
            i++;
            if (i < n && text.charAt(i) == ':') {
                if (gap >= 0) {
                    return null;
                }
                gap = count;
                i++;
                if (i == n) {
                    break;
                }
            } else if (i == n) {
                return null;
            }
        }
        if (gap < 0 ? count != 8 : count > 7) {
            return null;
        }
        int[] full = new int[8];
        if (gap < 0) {
            full = groups;
        } else {
            int tail = count - gap;
            System.arraycopy(groups, 0, full, 0, gap);
            System.arraycopy(groups, gap, full, 8 - tail, tail);
        }
        long hi = 0;
        long lo = 0;
        for (int g = 0; g < 4; g++) {
            hi = (hi << 16) | full[g];
            lo = (lo << 16) | full[g + 4];
        }
        return new IpAddress(true, hi, lo);
    }

    @Override
    public String toString() {
        if (!v6) {
            return (lo >>> 24) + "." + ((lo >>> 16) & 0xFF) + "." + ((lo >>> 8) & 0xFF) + "." + (lo & 0xFF);
        }
        StringBuilder out = new StringBuilder();
        for (int g = 0; g < 8; g++) {
            long word = g < 4 ? hi : lo;
            int shift = 48 - 16 * (g % 4);
            if (g > 0) {
                out.append(':');
            }
            out.append(Long.toHexString((word >>> shift) & 0xFFFF));
        }
        return out.toString();
    }
}
