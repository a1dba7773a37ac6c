package dev.postern.dns;

import java.net.Inet4Address;
import java.net.InetAddress;

/** Names derived from addresses: the reversed form of DNS lists and PTR queries. */
public final class DnsNames {
    private DnsNames() {
    }

    /**
     * The address reversed as DNS lists and reverse zones want it: {@code 2.0.0.127} for
     * 127.0.0.2, 32 dot-separated nibbles for IPv6 (least significant first).
     */
    public static String reversed(InetAddress address) {
        byte[] bytes = address.getAddress();
        StringBuilder out = new StringBuilder();
        for (int i = bytes.length - 1; i >= 0; i--) {
            int b = bytes[i] & 0xff;
            if (address instanceof Inet4Address) {
                out.append(b).append('.');
            } else {
                out.append(Character.forDigit(b & 0xf, 16)).append('.')
                    .append(Character.forDigit(b >> 4, 16)).append('.');
            }
        }
        out.setLength(out.length() - 1);
        return out.toString();
    }

    /** The name a PTR query asks about: {@code 2.0.0.127.in-addr.arpa}, {@code ....ip6.arpa}. */
    public static String pointerName(InetAddress address) {
        return reversed(address) + (address instanceof Inet4Address ? ".in-addr.arpa" : ".ip6.arpa");
    }
}
