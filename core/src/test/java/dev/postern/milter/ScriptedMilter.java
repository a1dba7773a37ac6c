package dev.postern.milter;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A filter on 127.0.0.1 that answers each event as its script says and records what it was
 * sent. Option negotiation answers version 6, every action and the given protocol bits.
 */
final class ScriptedMilter implements AutoCloseable {
    private final ServerSocket server;
    private final int protocol;
    private final Function<MilterPacket, List<MilterPacket>> script;
    private final List<MilterPacket> received = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private final byte[] macroLists;

    ScriptedMilter(int protocol, Function<MilterPacket, List<MilterPacket>> script) throws IOException {
        this(protocol, script, new byte[0]);
    }

    /** With {@code macroLists} (stage, names pairs) after the negotiation reply's three integers. */
    ScriptedMilter(int protocol, Function<MilterPacket, List<MilterPacket>> script, byte[] macroLists) throws IOException {
        this.macroLists = macroLists.clone();
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.protocol = protocol;
        this.script = script;
        this.thread = new Thread(this::serve, "scripted-milter");
        thread.setDaemon(true);
        thread.start();
    }

    /** Continue to every event that wants a reply, accept at end of message. */
    static List<MilterPacket> continueAll(MilterPacket packet) {
        return switch (packet.command()) {
            case 'E' -> List.of(reply('a'));
            default -> List.of(reply('c'));
        };
    }

    static MilterPacket reply(char command, String... strings) {
        return strings.length == 0 ? new MilterPacket(command, new byte[0]) : MilterPacket.ofStrings(command, strings);
    }

    String endpoint() {
        return "inet:127.0.0.1:" + server.getLocalPort();
    }

    List<MilterPacket> received() {
        return new ArrayList<>(received);
    }

    List<Character> commands() {
        return received.stream().map(MilterPacket::command).toList();
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                converse(new DataInputStream(socket.getInputStream()), socket.getOutputStream());
            } catch (IOException e) {
                // a connection ended; the next one is served
            }
        }
    }

    private void converse(DataInputStream in, OutputStream out) throws IOException {
        while (true) {
            MilterPacket packet;
            try {
                int length = in.readInt();
                char command = (char) in.readUnsignedByte();
                byte[] data = new byte[length - 1];
                in.readFully(data);
                packet = new MilterPacket(command, data);
            } catch (EOFException e) {
                return;
            }
            received.add(packet);
            switch (packet.command()) {
                case 'O' -> out.write(MilterPacket.Builder.start().int32(6).int32(MilterProtocol.ALL_ACTIONS).int32(protocol)
                    .raw(macroLists).packet('O').encode());
                case 'D', 'A' -> {
                }
                case 'Q' -> {
                    return;
                }
                default -> {
                    for (MilterPacket reply : script.apply(packet)) {
                        out.write(reply.encode());
                    }
                }
            }
            out.flush();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
