package dev.postern.delivery.smtp;

import java.util.Optional;

/**
 * One server to try: a host name with one of its addresses and a port, or (lmtp) a UNIX-domain
 * socket. Postfix names a server {@code host[address]} in its texts and {@code host[address]:port}
 * in the log's {@code relay=}; for a socket the address is the socket's path.
 *
 * @param hostname   the MX or next-hop host name (for a socket: myhostname, as Postfix's lmtp)
 * @param address    an IP address in text form, or the socket path
 * @param port       the TCP port; 0 for a socket
 * @param socketPath the UNIX-domain socket, when there is one
 * @param hop        the next hop as written, the last smtp_sasl_password_maps key
 */
public record Target(String hostname, String address, int port, Optional<String> socketPath, String hop) {

    public static Target tcp(String hostname, String address, int port, String hop) {
        return new Target(hostname, address, port, Optional.empty(), hop);
    }

    public static Target socket(String hostname, String path, String hop) {
        return new Target(hostname, path, 0, Optional.of(path), hop);
    }

    /** {@code host[address]}, the name of the server in Postfix's texts. */
    public String peer() {
        return hostname + "[" + address + "]";
    }

    /** {@code host[address]:port} (a socket: {@code host[path]}), the log's {@code relay=}. */
    public String relay() {
        return socketPath.isPresent() ? peer() : peer() + ":" + port;
    }
}
