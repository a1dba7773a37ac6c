package dev.postern.app.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A policy server on 127.0.0.1 that answers {@code action=DUNNO} to every request and keeps the
 * requests, to see what Postern sends.
 */
public final class RecordingPolicyServer implements AutoCloseable {
    private final ServerSocket socket;
    private final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();

    public RecordingPolicyServer() {
        try {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::accept, "recording-policy-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** {@code inet:127.0.0.1:PORT}, for check_policy_service. */
    public String address() {
        return "inet:127.0.0.1:" + socket.getLocalPort();
    }

    /** Every request so far, each attribute in the order it came. */
    public List<Map<String, String>> requests() {
        return List.copyOf(requests);
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                Thread serving = new Thread(() -> serve(client), "recording-policy-connection");
                serving.setDaemon(true);
                serving.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client; BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(),
                StandardCharsets.UTF_8))) {
            OutputStream out = client.getOutputStream();
            Map<String, String> request = new LinkedHashMap<>();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (!line.isEmpty()) {
                    int equals = line.indexOf('=');
                    request.put(line.substring(0, equals), line.substring(equals + 1));
                    continue;
                }
                requests.add(request);
                request = new LinkedHashMap<>();
                out.write("action=DUNNO\n\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException e) {
            // Postern closed the connection.
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
