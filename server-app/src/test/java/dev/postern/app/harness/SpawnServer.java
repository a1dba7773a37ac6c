package dev.postern.app.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * What Postfix's spawn(8) does for a policy server that talks on stdin and stdout (policyd-spf):
 * listens on 127.0.0.1 and starts the command for each connection, the connection being its
 * stdin and stdout. Its stderr goes to a file of the test's.
 */
public final class SpawnServer implements AutoCloseable {
    private final List<String> command;
    private final Path stderr;
    private final ServerSocket socket;
    private final List<Process> processes = new CopyOnWriteArrayList<>();

    public SpawnServer(List<String> command, Path stderr) {
        this.command = List.copyOf(command);
        this.stderr = stderr;
        try {
            this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::accept, "spawn-" + Path.of(command.get(0)).getFileName());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** {@code inet:127.0.0.1:PORT}, for check_policy_service. */
    public String address() {
        return "inet:127.0.0.1:" + socket.getLocalPort();
    }

    private void accept() {
        while (!socket.isClosed()) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException e) {
                return;
            }
            try {
                Process process = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile())).start();
                processes.add(process);
                pump(client.getInputStream(), process.getOutputStream(), client);
                pump(process.getInputStream(), client.getOutputStream(), client);
            } catch (IOException e) {
                close(client);
            }
        }
    }

    /** Copies until either side ends, then closes the connection (and so the process's stdin). */
    private static void pump(InputStream from, OutputStream to, Socket client) {
        Thread copying = new Thread(() -> {
            byte[] buffer = new byte[4096];
            try (from; to) {
                int read;
                while ((read = from.read(buffer)) >= 0) {
                    to.write(buffer, 0, read);
                    to.flush();
                }
            } catch (IOException e) {
                // one side went away
            } finally {
                close(client);
            }
        }, "spawn-pump");
        copying.setDaemon(true);
        copying.start();
    }

    private static void close(Socket client) {
        try {
            client.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
        for (Process process : processes) {
            process.destroy();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
