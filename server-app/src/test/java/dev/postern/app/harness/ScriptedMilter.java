package dev.postern.app.harness;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiFunction;

import dev.postern.milter.MilterPacket;

/**
 * A milter on 127.0.0.1 in the test JVM: it negotiates version 6 with every action, answers
 * each event as its script says, given the packet and the headers of the message so far
 * ({@code L} packets of the current connection) with the macros received ({@link #MACRO} + name), and serves each SMTP session's connection on
 * a thread of its own. Stopping it closes its port: the server then finds the filter down.
 */
public final class ScriptedMilter implements AutoCloseable {
    /** What to answer to an event; no packets for events that want no reply. */
    @FunctionalInterface
    public interface Script extends BiFunction<MilterPacket, Map<String, String>, List<MilterPacket>> {
    }

    /** The prefix of the macros the server sent in this connection, kept in the script's map with the headers. */
    public static final String MACRO = "macro:";

    private final ServerSocket server;
    private final Script script;
    private final ExecutorService connections = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "scripted-milter");
        thread.setDaemon(true);
        return thread;
    });

    public ScriptedMilter(Script script) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.script = script;
        connections.submit(this::accept);
    }

    /** The {@code smtpd_milters} value that names this filter. */
    public String endpoint() {
        return "inet:127.0.0.1:" + server.getLocalPort();
    }

    public static MilterPacket packet(char command, String... strings) {
        return strings.length == 0 ? new MilterPacket(command, new byte[0]) : MilterPacket.ofStrings(command, strings);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                connections.submit(() -> converse(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void converse(Socket socket) {
        Map<String, String> headers = new ConcurrentHashMap<>();
        try (socket; DataInputStream in = new DataInputStream(socket.getInputStream())) {
            OutputStream out = socket.getOutputStream();
            while (true) {
                int length = in.readInt();
                char command = (char) in.readUnsignedByte();
                byte[] data = new byte[length - 1];
                in.readFully(data);
                MilterPacket packet = new MilterPacket(command, data);
                List<MilterPacket> replies = new ArrayList<>();
                switch (command) {
                    case 'O' -> replies.add(MilterPacket.Builder.start().int32(6).int32(0x1FF).int32(0).packet('O'));
                    case 'D' -> {
                        List<String> strings = packet.strings(1);
                        for (int i = 0; i + 1 < strings.size(); i += 2) {
                            headers.put(MACRO + strings.get(i), strings.get(i + 1));
                        }
                    }
                    case 'A' -> {
                    }
                    case 'Q' -> {
                        return;
                    }
                    case 'M' -> {
                        headers.keySet().removeIf(key -> !key.startsWith(MACRO));
                        replies.addAll(script.apply(packet, headers));
                    }
                    case 'L' -> {
                        List<String> strings = packet.strings();
                        headers.put(strings.get(0), strings.size() > 1 ? strings.get(1) : "");
                        replies.addAll(script.apply(packet, headers));
                    }
                    default -> replies.addAll(script.apply(packet, headers));
                }
                for (MilterPacket reply : replies) {
                    out.write(reply.encode());
                }
                out.flush();
            }
        } catch (EOFException e) {
            // the server closed the conversation
        } catch (IOException e) {
            // stopped, or the server went away
        }
    }

    /** Stops listening; conversations in progress end as their sessions do. */
    @Override
    public void close() throws IOException {
        server.close();
        connections.shutdown();
    }
}
