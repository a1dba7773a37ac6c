package dev.postern.smtpd.sasl;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;

import dev.postern.config.ConfigException;

/**
 * {@code smtpd_sasl_path} for Dovecot: {@code inet:host:port} (cleartext TCP), or a unix socket,
 * written as a path or {@code unix:path}. A relative path is under Postern's {@code var/}, as
 * Postfix's {@code private/auth} is under its queue directory.
 */
public record SaslPath(String setting, SocketAddress address) {
    public static SaslPath parse(String setting, Path var) throws ConfigException {
        String value = setting.trim();
        if (value.startsWith("inet:")) {
            return new SaslPath(value, inet(value));
        }
        String file = value.startsWith("unix:") ? value.substring("unix:".length()) : value;
        if (file.isEmpty()) {
            throw new ConfigException("smtpd_sasl_path: empty: inet:host:port or the path of a unix socket is needed");
        }
        return new SaslPath(value, UnixDomainSocketAddress.of(var.resolve(file)));
    }

    private static InetSocketAddress inet(String value) throws ConfigException {
        String hostPort = value.substring("inet:".length());
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new ConfigException("smtpd_sasl_path: \"" + value + "\" is not inet:host:port");
        }
        String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
        try {
            int port = Integer.parseInt(hostPort.substring(colon + 1));
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return InetSocketAddress.createUnresolved(host, port);
        } catch (NumberFormatException e) {
            throw new ConfigException("smtpd_sasl_path: \"" + value + "\": the port is not a number from 1 to 65535");
        }
    }

    @Override
    public String toString() {
        return setting;
    }
}
