package dev.postern.app.postscreen;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * The PROXY protocol v2 header postscreen puts before the bytes it relays to the internal smtpd
 * listener, so that smtpd sees the client's address and port rather than the loopback relay's.
 */
public final class ProxyProtocolV2 {
    private static final byte[] SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    private static final byte VERSION_2_PROXY = 0x21;
    private static final byte TCP_OVER_IPV4 = 0x11;
    private static final byte TCP_OVER_IPV6 = 0x21;

    private ProxyProtocolV2() {
    }

    /** The header for a TCP connection from {@code source} to {@code destination} (both of one family). */
    public static byte[] header(InetSocketAddress source, InetSocketAddress destination) {
        byte[] from = source.getAddress().getAddress();
        byte[] to = destination.getAddress().getAddress();
        if (from.length != to.length) {
            // an IPv4 client on an IPv6 socket or the reverse: smtpd gets the client in the family of its address
            to = from.length == 4 ? new byte[4] : new byte[16];
        }
        boolean ipv4 = source.getAddress() instanceof Inet4Address;
        int length = from.length * 2 + 4;
        ByteBuffer header = ByteBuffer.allocate(SIGNATURE.length + 4 + length);
        header.put(SIGNATURE).put(VERSION_2_PROXY).put(ipv4 ? TCP_OVER_IPV4 : TCP_OVER_IPV6).putShort((short) length);
        header.put(from).put(to).putShort((short) source.getPort()).putShort((short) destination.getPort());
        return header.array();
    }
}
