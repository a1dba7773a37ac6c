package dev.postern.app.harness;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A raw IMAP4rev1 client for tests (RFC 3501), enough to read a mailbox: LOGIN, SELECT, FETCH of a whole
 * message as the server stores it ({@code BODY.PEEK[]}, a literal read byte for byte), LOGOUT. A raw
 * dialogue rather than a mail library, so that what the test compares is exactly what the server sent.
 */
public final class ImapClient implements AutoCloseable {
    private static final Pattern LITERAL = Pattern.compile("\\{(\\d+)\\}$");
    private static final Pattern EXISTS = Pattern.compile("^\\* (\\d+) EXISTS$");
    private static final int TIMEOUT_MILLIS = 10_000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private int tag;

    private ImapClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects to 127.0.0.1:port and reads the {@code * OK} greeting. */
    public static ImapClient connect(int port) {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            ImapClient client = new ImapClient(socket);
            String greeting = client.readLine();
            if (!greeting.startsWith("* OK")) {
                throw new AssertionError("IMAP server on port " + port + " greets with: " + greeting);
            }
            return client;
        } catch (IOException e) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // the connection failed anyway
            }
            throw new UncheckedIOException("cannot open IMAP session to 127.0.0.1:" + port + ": " + e, e);
        }
    }

    public void login(String user, String password) {
        command("LOGIN " + quoted(user) + " " + quoted(password));
    }

    /** Selects a mailbox and returns its message count (the {@code EXISTS} response). */
    public int select(String mailbox) {
        for (Response response : command("SELECT " + quoted(mailbox))) {
            Matcher m = EXISTS.matcher(response.line());
            if (m.matches()) {
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("SELECT " + mailbox + " gave no EXISTS response");
    }

    /** The whole message number {@code sequence} (headers and body), as the server has it, without setting \Seen. */
    public byte[] fetchMessage(int sequence) {
        for (Response response : command("FETCH " + sequence + " BODY.PEEK[]")) {
            if (response.line().startsWith("* " + sequence + " FETCH") && response.literal() != null) {
                return response.literal();
            }
        }
        throw new AssertionError("FETCH " + sequence + " BODY.PEEK[] returned no message literal");
    }

    /** Every message of the selected mailbox, in sequence order. */
    public List<byte[]> fetchAll(int count) {
        List<byte[]> messages = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            messages.add(fetchMessage(i));
        }
        return messages;
    }

    public void logout() {
        command("LOGOUT");
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing a test connection: nothing to report
        }
    }

    /** One untagged response line and the literal it announced, if any. */
    private record Response(String line, byte[] literal) {
    }

    /** Sends a tagged command and returns the untagged responses; anything but a tagged OK fails the test. */
    private List<Response> command(String command) {
        String id = "a" + (++tag);
        try {
            out.write((id + " " + command + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            List<Response> responses = new ArrayList<>();
            while (true) {
                String line = readLine();
                if (line.startsWith(id + " ")) {
                    if (!line.startsWith(id + " OK")) {
                        throw new AssertionError("IMAP " + command.replaceFirst("^LOGIN .*", "LOGIN ...") + ": " + line);
                    }
                    return responses;
                }
                Matcher literal = LITERAL.matcher(line);
                if (literal.find()) {
                    byte[] bytes = in.readNBytes(Integer.parseInt(literal.group(1)));
                    // the rest of the response after the literal, e.g. ")"
                    String rest = readLine();
                    responses.add(new Response(line + "..." + rest, bytes));
                } else {
                    responses.add(new Response(line, null));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("IMAP " + command + ": " + e, e);
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            line.write(b);
        }
        if (b == -1 && line.size() == 0) {
            throw new IOException("connection closed by the IMAP server");
        }
        String text = line.toString(StandardCharsets.UTF_8);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    private static String quoted(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
