package dev.postern.policy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A policy server for the tests, on 127.0.0.1: reads requests as Postfix's policy protocol
 * frames them, records them, and answers {@code action=} what {@code answer} says (null: no
 * answer at all, for timeouts). Counts the connections it accepted.
 */
public final class TinyPolicyServer implements AutoCloseable {
    private final ServerSocket socket;
    private final Function<Map<String, String>, String> answer;
    private final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
    private final List<Socket> clients = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger hungUp = new AtomicInteger();

    public TinyPolicyServer(Function<Map<String, String>, String> answer) throws IOException {
        this.answer = answer;
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "tiny-policy-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** {@code inet:127.0.0.1:PORT}. */
    public String spec() {
        return "inet:127.0.0.1:" + socket.getLocalPort();
    }

    public List<Map<String, String>> requests() {
        return requests;
    }

    public int connections() {
        return connections.get();
    }

    /** How many connections the client closed (the server read the end of its input). */
    public int closedByClient() {
        return hungUp.get();
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                connections.incrementAndGet();
                clients.add(client);
                Thread serving = new Thread(() -> serve(client), "tiny-policy-connection");
                serving.setDaemon(true);
                serving.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client;
             BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))) {
            OutputStream out = client.getOutputStream();
            Map<String, String> request = new LinkedHashMap<>();
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.isEmpty()) {
                    int equals = line.indexOf('=');
                    request.put(line.substring(0, equals), line.substring(equals + 1));
                    continue;
                }
                requests.add(request);
                String action = answer.apply(request);
                request = new LinkedHashMap<>();
                if (action != null) {
                    out.write(("action=" + action + "\n\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            }
            hungUp.incrementAndGet();
        } catch (IOException e) {
            // The client went away.
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (Socket client : clients) {
            client.close();
        }
    }
}
