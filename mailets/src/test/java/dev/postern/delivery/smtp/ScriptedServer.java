package dev.postern.delivery.smtp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A scripted SMTP/LMTP server on 127.0.0.1 (or a UNIX-domain socket) for the courier tests: it
 * answers per its script and records every line and every message it received, per connection.
 */
final class ScriptedServer implements AutoCloseable {

    /** What the server says; tests change it before the client connects. */
    static final class Script {
        /** null: never greet (the client times out). */
        volatile String greeting = "220 mx.test ESMTP";
        volatile List<String> ehlo = List.of("250-mx.test", "250-SIZE 10240000", "250-8BITMIME", "250 PIPELINING");
        volatile boolean lmtp;
        /** Replies for commands starting with the key (case-insensitive), instead of the default. */
        final Map<String, String> replies = Collections.synchronizedMap(new LinkedHashMap<>());
        /** Replies to the final dot: one for SMTP, one per accepted recipient for LMTP. */
        volatile List<String> dataEnd = List.of("250 2.0.0 Ok: queued as 4ABC123");
        /** Stop reading after 354, as a server that hangs in the middle of a message. */
        volatile boolean stallInData;
        /** Close the connection instead of answering the final dot. */
        volatile boolean dropAtEndOfData;
        /** Answers STARTTLS with this context (the EHLO reply should offer STARTTLS). */
        volatile SSLContext tls;
        /** Answers 220 to STARTTLS and then closes the connection: a broken TLS stack. */
        volatile boolean brokenTls;
        /** user:password that AUTH accepts; the EHLO reply should offer AUTH. */
        volatile String authAccepts = "";
    }

    /** What one connection received. */
    static final class Received {
        final List<String> lines = new CopyOnWriteArrayList<>();
        final List<byte[]> messages = new CopyOnWriteArrayList<>();
        final List<String> credentials = new CopyOnWriteArrayList<>();
        volatile boolean tls;

        String message(int i) {
            return new String(messages.get(i), StandardCharsets.UTF_8);
        }
    }

    final Script script = new Script();
    final List<Received> connections = new CopyOnWriteArrayList<>();
    private final ServerSocket tcp;
    private final ServerSocketChannel unix;
    private final Path socketPath;
    private final Thread acceptor;
    private final List<Thread> handlers = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private ScriptedServer(ServerSocket tcp, ServerSocketChannel unix, Path socketPath) {
        this.tcp = tcp;
        this.unix = unix;
        this.socketPath = socketPath;
        this.acceptor = new Thread(this::acceptLoop, "scripted-smtp-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static ScriptedServer tcp() throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        return new ScriptedServer(socket, null, null);
    }

    static ScriptedServer unix(Path path) throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        channel.bind(UnixDomainSocketAddress.of(path));
        return new ScriptedServer(null, channel, path);
    }

    int port() {
        return tcp.getLocalPort();
    }

    /** {@code [127.0.0.1]:PORT} */
    String hop() {
        return "[127.0.0.1]:" + port();
    }

    Path socketPath() {
        return socketPath;
    }

    Received connection(int i) {
        return connections.get(i);
    }

    /** Waits until the handler of every connection so far has finished. */
    void awaitIdle() throws InterruptedException {
        for (Thread handler : handlers) {
            handler.join(5000);
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                if (tcp != null) {
                    Socket socket = tcp.accept();
                    open.add(socket);
                    start(() -> serve(socket, socket.getInputStream(), socket.getOutputStream()));
                } else {
                    SocketChannel channel = unix.accept();
                    open.add(channel);
                    start(() -> serve(null, Channels.newInputStream(channel), Channels.newOutputStream(channel)));
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    private interface Session {
        void run() throws IOException;
    }

    private void start(Session session) {
        Thread thread = new Thread(() -> {
            try {
                session.run();
            } catch (IOException e) {
                // The client went away: that is what some tests want.
            }
        }, "scripted-smtp-session");
        thread.setDaemon(true);
        handlers.add(thread);
        thread.start();
    }

    private void serve(Socket socket, InputStream in, OutputStream out) throws IOException {
        Received received = new Received();
        connections.add(received);
        if (script.greeting == null) {
            // Say nothing; the client gives up.
            readLine(in);
            return;
        }
        send(out, script.greeting);
        int accepted = 0;
        while (true) {
            byte[] raw = readLine(in);
            if (raw == null) {
                return;
            }
            String line = new String(raw, StandardCharsets.UTF_8).replaceAll("\r?\n$", "");
            received.lines.add(line);
            String upper = line.toUpperCase(Locale.ROOT);
            String scripted = scriptedReply(upper);
            if (scripted != null) {
                send(out, scripted);
                if (upper.startsWith("RCPT") && scripted.startsWith("2")) {
                    accepted++;
                }
                continue;
            }
            if (upper.startsWith("EHLO") || upper.startsWith("LHLO")) {
                send(out, String.join("\r\n", script.ehlo));
            } else if (upper.startsWith("HELO")) {
                send(out, "250 mx.test");
            } else if (upper.startsWith("STARTTLS")) {
                send(out, "220 2.0.0 Ready to start TLS");
                if (script.brokenTls) {
                    out.close();
                    return;
                }
                SSLSocket tls = (SSLSocket) script.tls.getSocketFactory().createSocket(socket, null, socket.getPort(), true);
                tls.setUseClientMode(false);
                tls.startHandshake();
                received.tls = true;
                in = tls.getInputStream();
                out = tls.getOutputStream();
                socket = tls;
            } else if (upper.startsWith("AUTH PLAIN ")) {
                String decoded = new String(Base64.getDecoder().decode(line.substring(11).trim()), StandardCharsets.UTF_8);
                String[] parts = decoded.split("\0", -1);
                authenticate(out, received, parts[1] + ":" + parts[2], "PLAIN");
            } else if (upper.equals("AUTH LOGIN")) {
                send(out, "334 VXNlcm5hbWU6");
                String user = decode(readLine(in));
                send(out, "334 UGFzc3dvcmQ6");
                String password = decode(readLine(in));
                authenticate(out, received, user + ":" + password, "LOGIN");
            } else if (upper.startsWith("MAIL")) {
                accepted = 0;
                send(out, "250 2.1.0 Ok");
            } else if (upper.startsWith("RCPT")) {
                accepted++;
                send(out, "250 2.1.5 Ok");
            } else if (upper.equals("DATA")) {
                send(out, "354 End data with <CR><LF>.<CR><LF>");
                while (script.stallInData && !closed) {
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                ByteArrayOutputStream message = new ByteArrayOutputStream();
                while (true) {
                    byte[] data = readLine(in);
                    if (data == null) {
                        return;
                    }
                    if (new String(data, StandardCharsets.UTF_8).equals(".\r\n")) {
                        break;
                    }
                    message.write(data);
                }
                received.messages.add(message.toByteArray());
                if (script.dropAtEndOfData) {
                    out.close();
                    return;
                }
                List<String> replies = script.dataEnd;
                int count = script.lmtp ? accepted : 1;
                for (int i = 0; i < count; i++) {
                    send(out, replies.get(Math.min(i, replies.size() - 1)));
                }
            } else if (upper.startsWith("RSET") || upper.startsWith("NOOP")) {
                send(out, "250 2.0.0 Ok");
            } else if (upper.startsWith("QUIT")) {
                send(out, "221 2.0.0 Bye");
                out.close();
                return;
            } else {
                send(out, "502 5.5.2 Error: command not recognized");
            }
        }
    }

    private String scriptedReply(String upperLine) {
        synchronized (script.replies) {
            for (Map.Entry<String, String> entry : script.replies.entrySet()) {
                if (upperLine.startsWith(entry.getKey().toUpperCase(Locale.ROOT))) {
                    return entry.getValue();
                }
            }
        }
        return null;
    }

    private void authenticate(OutputStream out, Received received, String credentials, String mechanism) throws IOException {
        received.credentials.add(mechanism + " " + credentials);
        send(out, credentials.equals(script.authAccepts) ? "235 2.7.0 Authentication successful"
            : "535 5.7.8 Error: authentication failed: authentication failure");
    }

    private static String decode(byte[] line) {
        String text = new String(line, StandardCharsets.UTF_8).trim();
        return new String(Base64.getDecoder().decode(text), StandardCharsets.UTF_8);
    }

    private static void send(OutputStream out, String reply) throws IOException {
        out.write((reply.replace("\r\n", "\n").replace("\n", "\r\n") + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** One line with its line end (only LF ends a line), or null at the end of the stream. */
    private static byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            line.write(b);
            if (b == '\n') {
                return line.toByteArray();
            }
        }
        return line.size() == 0 ? null : line.toByteArray();
    }

    @Override
    public void close() throws Exception {
        closed = true;
        if (tcp != null) {
            tcp.close();
        }
        if (unix != null) {
            unix.close();
            Files.deleteIfExists(socketPath);
        }
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    static List<String> lines(List<String> lines) {
        return new ArrayList<>(lines);
    }

    /** A latch-free wait for a condition the server thread makes true. */
    static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        CountDownLatch never = new CountDownLatch(1);
        for (int i = 0; i < 100 && !condition.getAsBoolean(); i++) {
            never.await(50, TimeUnit.MILLISECONDS);
        }
    }
}
