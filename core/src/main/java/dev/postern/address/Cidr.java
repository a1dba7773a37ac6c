package dev.postern.address;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * One network in Postfix notation: {@code 192.0.2.0/24}, {@code [2001:db8::]/32},
 * a single address ({@code 127.0.0.1}, {@code [::1]}). Host bits must be zero, as
 * Postfix requires, so a typo such as {@code 10.1.2.3/8} is an error instead of a
 * silently wider network.
 *
 * <p>An IPv4-mapped IPv6 network ({@code [::ffff:127.0.0.0]/104}, in Debian's default
 * {@code mynetworks}) is the IPv4 network of the same hosts ({@code 127.0.0.0/8}): Java gives an
 * IPv4 client that reached an IPv6 socket as its IPv4 address, so the mapped form would otherwise
 * never match. Its length counts from 128 and must be at least 96.
 */
public final class Cidr {
    /** The length of the {@code ::ffff:0:0/96} prefix of IPv4-mapped IPv6 addresses. */
    private static final int MAPPED_PREFIX = 96;

    private final byte[] network;
    private final int prefixLength;

    private Cidr(byte[] network, int prefixLength) {
        this.network = network;
        this.prefixLength = prefixLength;
    }

    public static Cidr parse(String text) {
        String value = text.trim();
        String addressPart = value;
        Integer length = null;
        int slash = value.lastIndexOf('/');
        if (slash >= 0) {
            addressPart = value.substring(0, slash);
            length = parseLength(value.substring(slash + 1), text);
        }
        if (addressPart.startsWith("[") && addressPart.endsWith("]")) {
            addressPart = addressPart.substring(1, addressPart.length() - 1);
        }
        byte[] bytes = literalBytes(addressPart, text);
        boolean mapped = bytes.length == 4 && addressPart.contains(":");
        int maxLength = mapped ? 128 : bytes.length * 8;
        int prefix = length == null ? maxLength : length;
        if (prefix > maxLength) {
            throw new IllegalArgumentException("bad network length in \"" + text + "\": at most " + maxLength);
        }
        if (mapped) {
            if (prefix < MAPPED_PREFIX) {
                throw new IllegalArgumentException("bad network length in \"" + text + "\": an IPv4-mapped network"
                    + " needs at least " + MAPPED_PREFIX + " bits");
            }
            // Java presents an IPv4-mapped client as the IPv4 address it carries, so the
            // network is kept as the IPv4 network of the same hosts.
            prefix -= MAPPED_PREFIX;
        }
        if (!hostBitsZero(bytes, prefix)) {
            throw new IllegalArgumentException("non-null host address bits in \"" + text + "\", perhaps you should use "
                + new Cidr(mask(bytes, prefix), prefix) + " instead");
        }
        return new Cidr(bytes, prefix);
    }

    /**
     * Compares the prefix byte by byte, without masking a copy: this runs for every network of
     * a list on every check ({@code permit_mynetworks} per RCPT), so it allocates nothing but
     * the address's own byte array.
     */
    public boolean contains(InetAddress address) {
        byte[] candidate = address.getAddress();
        if (candidate.length != network.length) {
            return false;
        }
        int whole = prefixLength / 8;
        for (int i = 0; i < whole; i++) {
            if (candidate[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        // The network's host bits are zero (parse checks), so masking the candidate's is enough.
        return rest == 0 || (candidate[whole] & partialMask(rest)) == network[whole];
    }

    @Override
    public String toString() {
        try {
            String address = InetAddress.getByAddress(network).getHostAddress();
            return network.length == 4 ? address + "/" + prefixLength : "[" + address + "]/" + prefixLength;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Integer parseLength(String text, String whole) {
        try {
            int length = Integer.parseInt(text);
            if (length < 0) {
                throw new NumberFormatException();
            }
            return length;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad network length in \"" + whole + "\"");
        }
    }

    /** Parses only numeric literals: a host name here would need DNS at startup. */
    private static byte[] literalBytes(String address, String whole) {
        boolean v4 = address.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = address.contains(":") && address.matches("[0-9A-Fa-f:.]+");
        if (!v4 && !v6) {
            throw new IllegalArgumentException("bad network address in \"" + whole + "\"");
        }
        try {
            return InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bad network address in \"" + whole + "\"");
        }
    }

    private static boolean hostBitsZero(byte[] bytes, int prefix) {
        return Arrays.equals(mask(bytes, prefix), bytes);
    }

    /** The bytes with every bit after the first {@code prefix} cleared. */
    private static byte[] mask(byte[] bytes, int prefix) {
        byte[] result = new byte[bytes.length];
        int whole = prefix / 8;
        System.arraycopy(bytes, 0, result, 0, whole);
        int rest = prefix % 8;
        if (rest != 0) {
            result[whole] = (byte) (bytes[whole] & partialMask(rest));
        }
        return result;
    }

    /** The byte mask ({@code 0xff << (8 - bits)}) that keeps the first {@code bits} (1 to 7) bits, as a signed byte. */
    private static byte partialMask(int bits) {
        return (byte) (0xff << (8 - bits));
    }
}
