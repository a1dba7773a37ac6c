package dev.postern.smtpd;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A scripted stand-in for Dovecot's auth service, on 127.0.0.1 or a unix socket, for unit tests
 * of the client: the handshake, then PLAIN and LOGIN for alice (password "secret") with OK, FAIL
 * and CONT as Dovecot answers them. Each connection is served on its own thread; every line the
 * client sent is kept.
 */
final class FakeDovecotAuth implements AutoCloseable {
    /** How the fake answers an AUTH. */
    enum Mode { NORMAL, TEMPORARY_FAILURE, HANG_UP_ON_AUTH }

    private static final Map<String, String> USERS = Map.of("alice", "secret");

    private final ServerSocketChannel server;
    private final SocketAddress address;
    private final List<String> received = Collections.synchronizedList(new ArrayList<>());
    private volatile Mode mode = Mode.NORMAL;
    private final Thread acceptor;

    private FakeDovecotAuth(ServerSocketChannel server, SocketAddress address) {
        this.server = server;
        this.address = address;
        acceptor = new Thread(this::accept, "fake-dovecot-auth");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static FakeDovecotAuth onLoopback() throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.INET);
        server.bind(new InetSocketAddress("127.0.0.1", 0));
        return new FakeDovecotAuth(server, server.getLocalAddress());
    }

    static FakeDovecotAuth onSocket(Path socket) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        return new FakeDovecotAuth(server, server.getLocalAddress());
    }

    /** {@code inet:127.0.0.1:PORT}, for a loopback fake. */
    String inetPath() {
        return "inet:127.0.0.1:" + ((InetSocketAddress) address).getPort();
    }

    void mode(Mode newMode) {
        mode = newMode;
    }

    List<String> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /**
     * The lines received once there are at least {@code count}: the server sends its handshake
     * without waiting for the client's, so the client may be done before these lines are read here.
     */
    List<String> awaitReceived(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (received().size() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return received();
    }

    private void accept() {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                Thread worker = new Thread(() -> serve(client), "fake-dovecot-auth-client");
                worker.setDaemon(true);
                worker.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(SocketChannel client) {
        try (client) {
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(client),
                StandardCharsets.UTF_8));
            OutputStream out = Channels.newOutputStream(client);
            send(out, "VERSION\t1\t2", "MECH\tPLAIN\tplaintext", "MECH\tLOGIN\tplaintext",
                "MECH\tANONYMOUS\tanonymous", "MECH\tDIGEST-MD5\tdictionary\tactive\tmutual-auth",
                "SPID\t4242", "CUID\t7", "COOKIE\t0123456789abcdef", "DONE");
            String username = null;
            String line;
            while ((line = in.readLine()) != null) {
                received.add(line);
                String[] fields = line.split("\t", -1);
                if (fields[0].equals("AUTH")) {
                    if (mode == Mode.HANG_UP_ON_AUTH) {
                        return;
                    }
                    username = auth(out, fields);
                } else if (fields[0].equals("CONT")) {
                    username = cont(out, fields, username);
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    /** Answers an AUTH; the LOGIN name received so far, if any. */
    private String auth(OutputStream out, String[] fields) throws IOException {
        String id = fields[1];
        String response = null;
        for (String field : fields) {
            if (field.startsWith("resp=")) {
                response = field.substring("resp=".length());
            }
        }
        if (fields[2].equals("LOGIN")) {
            send(out, "CONT\t" + id + "\tVXNlcm5hbWU6");
            return null;
        }
        if (response == null) {
            send(out, "CONT\t" + id + "\t");
            return null;
        }
        plain(out, id, response);
        return null;
    }

    private String cont(OutputStream out, String[] fields, String username) throws IOException {
        String id = fields[1];
        String decoded = new String(Base64.getDecoder().decode(fields[2]), StandardCharsets.UTF_8);
        if (username == null && !decoded.contains("\0")) {
            send(out, "CONT\t" + id + "\tUGFzc3dvcmQ6");
            return decoded;
        }
        if (username != null) {
            verdict(out, id, username, decoded);
            return null;
        }
        plain(out, id, fields[2]);
        return null;
    }

    private void plain(OutputStream out, String id, String base64) throws IOException {
        String[] parts = new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8).split("\0", -1);
        verdict(out, id, parts[1], parts[2]);
    }

    private void verdict(OutputStream out, String id, String username, String password) throws IOException {
        if (mode == Mode.TEMPORARY_FAILURE) {
            send(out, "FAIL\t" + id + "\tuser=" + username + "\ttemp\treason=Temporary backend failure");
        } else if (password.equals(USERS.get(username))) {
            send(out, "OK\t" + id + "\tuser=" + username);
        } else {
            send(out, "FAIL\t" + id + "\tuser=" + username);
        }
    }

    private static void send(OutputStream out, String... lines) throws IOException {
        out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        try {
            // the listening socket is released once the thread blocked in accept has left it
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
