package dev.postern.testing.tables;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A tcp_table(5) server for tests: reads request lines ({@code get KEY}, the key still
 * %-encoded as sent) and answers each with the line its {@link Responder} gives ({@code 200
 * value}, {@code 500 not found}, {@code 400 try later}). Written from the protocol description.
 */
public final class TcpTableServer extends LineServer {
    private static final Protocol LINES = new Protocol() {
        @Override
        public String readRequest(InputStream in) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) != '\n') {
                if (c < 0) {
                    return null;
                }
                line.write(c);
            }
            return line.toString(StandardCharsets.UTF_8);
        }

        @Override
        public void writeReply(OutputStream out, String reply) throws IOException {
            out.write((reply + "\n").getBytes(StandardCharsets.UTF_8));
        }
    };

    private TcpTableServer(int port, Responder responder) throws IOException {
        super(loopback(port), LINES, responder);
    }

    /** Listens on 127.0.0.1:{@code port} (0: any free port). */
    public static TcpTableServer onLoopback(int port, Responder responder) throws IOException {
        return new TcpTableServer(port, responder);
    }
}
