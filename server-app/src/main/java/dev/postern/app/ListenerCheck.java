package dev.postern.app;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Optional;

import dev.postern.config.ListenAddress;
import dev.postern.config.MainCf;

/**
 * Tries each configured listen address before anything starts, so that a port in use
 * or an address this host does not have is one clear line naming the parameter and
 * the address, rather than a failure deep inside Netty halfway through the start.
 */
final class ListenerCheck {
    /**
     * The listeners of the default configuration. The submission listeners join this
     * list when they are enabled in the default smtpserver.xml (they need TLS keys).
     * {@code postern_metrics_listen} is empty (off) unless the operator sets it.
     */
    private static final List<String> PARAMETERS = List.of("postern_smtpd_listen", "postern_webadmin_listen",
        "postern_metrics_listen");

    private ListenerCheck() {
    }

    static void assertAvailable(MainCf mainCf) throws StartupFailure {
        for (String parameter : PARAMETERS) {
            Optional<ListenAddress> address;
            try {
                address = ListenAddress.parse(parameter, mainCf.get(parameter));
            } catch (IllegalArgumentException e) {
                throw new StartupFailure(e.getMessage(), e);
            }
            if (address.isPresent()) {
                tryBind(parameter, address.get());
            }
        }
    }

    private static void tryBind(String parameter, ListenAddress address) throws StartupFailure {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(address.host(), address.port()));
        } catch (IOException e) {
            throw new StartupFailure("cannot listen on " + address.host() + ":" + address.port() + " ("
                + parameter + "): " + e.getMessage(), e);
        }
    }
}
