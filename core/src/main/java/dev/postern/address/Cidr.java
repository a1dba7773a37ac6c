package dev.postern.address;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * One network in Postfix notation: {@code 192.0.2.0/24}, {@code [2001:db8::]/32},
 * a single address ({@code 127.0.0.1}, {@code [::1]}). Host bits must be zero, as
 * Postfix requires, so a typo such as {@code 10.1.2.3/8} is an error instead of a
 * silently wider network.
 */
public final class Cidr {
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
        int maxLength = bytes.length * 8;
        int prefix = length == null ? maxLength : length;
        if (prefix > maxLength) {
            throw new IllegalArgumentException("bad network length in \"" + text + "\": at most " + maxLength);
        }
        if (!hostBitsZero(bytes, prefix)) {
            throw new IllegalArgumentException("non-null host address bits in \"" + text + "\", perhaps you should use "
                + new Cidr(mask(bytes, prefix), prefix) + " instead");
        }
        return new Cidr(bytes, prefix);
    }

    public boolean contains(InetAddress address) {
        byte[] candidate = address.getAddress();
        if (candidate.length != network.length) {
            return false;
        }
        return Arrays.equals(mask(candidate, prefixLength), network);
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

    private static byte[] mask(byte[] bytes, int prefix) {
        int bits = bytes.length * 8;
        BigInteger value = new BigInteger(1, bytes);
        BigInteger netmask = prefix == 0 ? BigInteger.ZERO
            : BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE).shiftRight(bits - prefix).shiftLeft(bits - prefix);
        byte[] masked = value.and(netmask).toByteArray();
        byte[] result = new byte[bytes.length];
        int copy = Math.min(masked.length, result.length);
        System.arraycopy(masked, masked.length - copy, result, result.length - copy, copy);
        return result;
    }
}
