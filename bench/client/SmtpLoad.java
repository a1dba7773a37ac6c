import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SMTP load client for the bench scripts, run from source ({@code java bench/client/SmtpLoad.java ...};
 * no build step, so it measures any server on any machine with a JDK 17).
 *
 * <p>SESSIONS connections share MESSAGES transactions (MAIL, RCPT, DATA, then the next on the same
 * connection, like smtp-source). Every message carries a unique {@code Message-ID: <TAG.N@bench>} so
 * that a sink's dump can be matched against what was accepted. It records, per message, the accept
 * latency from the end of DATA (the "." line written) to the server's 250, and the whole transaction
 * from MAIL FROM to that 250; and, with {@code --accepted FILE}, the Message-ID of every message whose
 * DATA got a 250 — written as each reply arrives, so the list survives the server being killed.
 *
 * <p>A session that loses its connection (the crash drill kills the server) does not reconnect: it
 * counts the message under way as not accepted and ends. Prints one summary line:
 * {@code sent=N accepted=N refused=N broken=N seconds=S msg_per_s=R data_p50_ms=... data_p99_ms=...
 * data_p999_ms=... txn_p50_ms=... txn_p99_ms=... txn_p999_ms=...}.
 */
public final class SmtpLoad {

    private record Options(String host, int port, int sessions, int messages, int size, int recipients,
                           String tag, Path accepted) {
        static Options parse(String[] args) {
            String host = "127.0.0.1";
            int port = 25, sessions = 10, messages = 1000, size = 4096, recipients = 1;
            String tag = "m" + ProcessHandle.current().pid();
            Path accepted = null;
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--host" -> host = value;
                    case "--port" -> port = Integer.parseInt(value);
                    case "--sessions" -> sessions = Integer.parseInt(value);
                    case "--messages" -> messages = Integer.parseInt(value);
                    case "--size" -> size = Integer.parseInt(value);
                    case "--rcpts" -> recipients = Integer.parseInt(value);
                    case "--tag" -> tag = value;
                    case "--accepted" -> accepted = Path.of(value);
                    default -> throw new IllegalArgumentException("SmtpLoad: unknown option " + args[i]
                        + " (known: --host --port --sessions --messages --size --rcpts --tag --accepted)");
                }
                i++;
            }
            return new Options(host, port, sessions, messages, size, recipients, tag, accepted);
        }
    }

    /** What one transaction came to; latencies in nanoseconds, -1 when there was no 250. */
    private record Outcome(boolean accepted, long dataNanos, long transactionNanos) {
    }

    private final Options options;
    private final AtomicInteger next = new AtomicInteger();
    private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    private final AtomicInteger broken = new AtomicInteger();
    private final PrintWriter acceptedLog;

    private SmtpLoad(Options options) throws IOException {
        this.options = options;
        // autoflush per line: the IDs must be on disk before the server can be killed.
        this.acceptedLog = options.accepted() == null ? null
            : new PrintWriter(Files.newBufferedWriter(options.accepted(), StandardCharsets.US_ASCII), true);
    }

    public static void main(String[] args) throws Exception {
        SmtpLoad load = new SmtpLoad(Options.parse(args));
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < load.options.sessions(); i++) {
            Thread thread = new Thread(load::session, "session-" + i);
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        load.report(seconds);
    }

    private void session() {
        int n = next.getAndIncrement();
        if (n >= options.messages()) {
            return;
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(options.host(), options.port()), 10_000);
            socket.setSoTimeout(120_000);
            socket.setTcpNoDelay(true);
            Conversation smtp = new Conversation(socket.getInputStream(), new BufferedOutputStream(socket.getOutputStream(), 65536));
            smtp.expect("220");
            smtp.command("EHLO bench.example", "250");
            while (n < options.messages()) {
                transaction(smtp, n);
                n = next.getAndIncrement();
            }
            smtp.command("QUIT", "221");
        } catch (IOException | IllegalStateException e) {
            if (n < options.messages()) {
                // The message under way when the connection broke was not (known to be) accepted.
                outcomes.add(new Outcome(false, -1, -1));
                broken.incrementAndGet();
            }
        }
    }

    private void transaction(Conversation smtp, int n) throws IOException {
        String id = options.tag() + "." + n + "@bench";
        long begin = System.nanoTime();
        smtp.command("MAIL FROM:<bench@bench.example>", "250");
        for (int r = 0; r < options.recipients(); r++) {
            smtp.command("RCPT TO:<" + (options.recipients() > 1 ? r + "sink" : "sink") + "@remote.example>", "250");
        }
        smtp.command("DATA", "354");
        smtp.write(message(id));
        long dot = System.nanoTime();
        smtp.write(".\r\n");
        smtp.flush();
        String reply = smtp.reply();
        long end = System.nanoTime();
        boolean ok = reply.startsWith("250");
        if (ok && acceptedLog != null) {
            acceptedLog.println(id);
        }
        outcomes.add(new Outcome(ok, ok ? end - dot : -1, ok ? end - begin : -1));
        if (!ok) {
            smtp.command("RSET", "250");
        }
    }

    private String message(String id) {
        StringBuilder text = new StringBuilder(options.size() + 200);
        text.append("From: <bench@bench.example>\r\nTo: <sink@remote.example>\r\nSubject: bench ").append(id)
            .append("\r\nMessage-ID: <").append(id).append(">\r\n\r\n");
        // Body lines of 76 characters up to the size asked for, as smtp-source -l does.
        String line = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmn\r\n";
        while (text.length() < options.size()) {
            text.append(line);
        }
        return text.toString();
    }

    private void report(double seconds) {
        long accepted = outcomes.stream().filter(Outcome::accepted).count();
        long[] data = outcomes.stream().filter(Outcome::accepted).mapToLong(Outcome::dataNanos).sorted().toArray();
        long[] txn = outcomes.stream().filter(Outcome::accepted).mapToLong(Outcome::transactionNanos).sorted().toArray();
        System.out.printf("sent=%d accepted=%d refused=%d broken=%d seconds=%.2f msg_per_s=%.1f"
                + " data_p50_ms=%s data_p99_ms=%s data_p999_ms=%s txn_p50_ms=%s txn_p99_ms=%s txn_p999_ms=%s%n",
            outcomes.size(), accepted, outcomes.size() - accepted - broken.get(), broken.get(), seconds, accepted / seconds,
            quantile(data, 0.50), quantile(data, 0.99), quantile(data, 0.999),
            quantile(txn, 0.50), quantile(txn, 0.99), quantile(txn, 0.999));
        if (acceptedLog != null) {
            acceptedLog.close();
        }
    }

    /** Nearest-rank quantile in milliseconds; "-" when nothing was measured. */
    private static String quantile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return "-";
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return String.format("%.2f", sorted[Math.max(0, rank - 1)] / 1e6);
    }

    /** One SMTP connection: commands, multi-line replies, nothing else. */
    private static final class Conversation {
        private final InputStream in;
        private final OutputStream out;
        private final byte[] buffer = new byte[8192];
        private int start, end;

        Conversation(InputStream in, OutputStream out) {
            this.in = in;
            this.out = out;
        }

        void write(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.US_ASCII));
        }

        void flush() throws IOException {
            out.flush();
        }

        void command(String line, String expected) throws IOException {
            write(line + "\r\n");
            flush();
            String reply = reply();
            if (!reply.startsWith(expected)) {
                throw new IllegalStateException("'" + line + "' got '" + reply + "', expected " + expected);
            }
        }

        void expect(String expected) throws IOException {
            String reply = reply();
            if (!reply.startsWith(expected)) {
                throw new IllegalStateException("greeting '" + reply + "', expected " + expected);
            }
        }

        /** The last line of a (possibly multi-line) reply. */
        String reply() throws IOException {
            while (true) {
                String line = line();
                if (line.length() < 4 || line.charAt(3) != '-') {
                    return line;
                }
            }
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            while (true) {
                if (start == end) {
                    end = in.read(buffer);
                    start = 0;
                    if (end <= 0) {
                        end = 0;
                        throw new IOException("connection closed by the server after '" + line + "'");
                    }
                }
                byte b = buffer[start++];
                if (b == '\n') {
                    int length = line.length();
                    return length > 0 && line.charAt(length - 1) == '\r' ? line.substring(0, length - 1) : line.toString();
                }
                line.append((char) b);
            }
        }
    }
}
