package dev.postern.app.harness;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain-socket SMTP client for tests: it says exactly what it is told and returns every reply.
 *
 * <p>High-level helpers ({@link #ehlo}, {@link #mailFrom}, {@link #rcptTo}, {@link #data(String)},
 * {@link #sendMail}) sit next to raw access ({@link #command}, {@link #sendLine}, {@link #sendRaw},
 * {@link #readReply}) for malformed-input tests. I/O failures surface as {@link UncheckedIOException}
 * so the helpers can be used from lambdas and client threads.
 */
public final class SmtpClient implements AutoCloseable {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);
    private static final int MAX_REPLY_LINE = 64 * 1024;

    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private final ClientReply greeting;

    private SmtpClient(Socket socket) throws IOException {
        useSocket(socket);
        this.greeting = readReplyChecked();
    }

    private void useSocket(Socket newSocket) throws IOException {
        this.socket = newSocket;
        this.in = new java.io.BufferedInputStream(newSocket.getInputStream());
        this.out = new java.io.BufferedOutputStream(newSocket.getOutputStream());
    }

    /**
     * Connects with TLS from the first byte (port 465 style) and reads the greeting. The
     * server's certificate is not verified: tests talk to a self-signed one.
     */
    public static SmtpClient connectTls(int port, String localAddress) {
        Socket plain = new Socket();
        try {
            if (localAddress != null) {
                plain.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
            }
            plain.connect(new InetSocketAddress("127.0.0.1", port), (int) DEFAULT_CONNECT_TIMEOUT.toMillis());
            plain.setSoTimeout((int) DEFAULT_READ_TIMEOUT.toMillis());
            return new SmtpClient(handshake(plain, port));
        } catch (IOException e) {
            closeQuietly(plain);
            throw new UncheckedIOException("cannot connect with TLS to 127.0.0.1:" + port + ": " + e, e);
        }
    }

    /** STARTTLS: sends it and, on a 220, completes the TLS handshake (certificate not verified). */
    public ClientReply starttls() {
        ClientReply reply = command("STARTTLS");
        if (reply.code() != 220) {
            return reply;
        }
        try {
            useSocket(handshake(socket, socket.getPort()));
        } catch (IOException e) {
            throw new UncheckedIOException("TLS handshake after STARTTLS: " + e, e);
        }
        return reply;
    }

    /** Whether the connection is encrypted now. */
    public boolean isTls() {
        return socket instanceof javax.net.ssl.SSLSocket;
    }

    /** {@code AUTH PLAIN} with the initial response. */
    public ClientReply authPlain(String user, String password) {
        String token = java.util.Base64.getEncoder().encodeToString(
            ("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
        return command("AUTH PLAIN " + token);
    }

    /** {@code AUTH LOGIN}, answering the two 334 challenges; the first reply other than 334 is returned. */
    public ClientReply authLogin(String user, String password) {
        ClientReply reply = command("AUTH LOGIN");
        for (String answer : List.of(user, password)) {
            if (reply.code() != 334) {
                return reply;
            }
            reply = command(java.util.Base64.getEncoder().encodeToString(answer.getBytes(StandardCharsets.UTF_8)));
        }
        return reply;
    }

    private static Socket handshake(Socket plain, int port) throws IOException {
        try {
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(null, new javax.net.ssl.TrustManager[] {new TrustEverything()}, null);
            javax.net.ssl.SSLSocket tls = (javax.net.ssl.SSLSocket) context.getSocketFactory()
                .createSocket(plain, "127.0.0.1", port, true);
            tls.setUseClientMode(true);
            tls.startHandshake();
            return tls;
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot set up TLS: " + e, e);
        }
    }

    /** Tests talk to Postern's self-signed certificate; what they check is that TLS is in use. */
    private static final class TrustEverything implements javax.net.ssl.X509TrustManager {
        @Override
        public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
        }

        @Override
        public java.security.cert.X509Certificate[] getAcceptedIssuers() {
            return new java.security.cert.X509Certificate[0];
        }
    }

    /** Connects to {@code 127.0.0.1:port} and reads the greeting. */
    public static SmtpClient connect(int port) {
        return connect("127.0.0.1", port, null);
    }

    /** Connects to {@code host:port} and reads the greeting. */
    public static SmtpClient connect(String host, int port) {
        return connect(host, port, null);
    }

    /**
     * Connects from a chosen local address (e.g. {@code 127.0.0.2}, which Linux routes on loopback)
     * so that the server sees a client outside its {@code mynetworks}.
     */
    public static SmtpClient connect(String host, int port, String localAddress) {
        return connect(host, port, localAddress, DEFAULT_READ_TIMEOUT);
    }

    public static SmtpClient connect(String host, int port, String localAddress, Duration readTimeout) {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            if (localAddress != null) {
                socket.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
            }
            socket.connect(new InetSocketAddress(host, port), (int) DEFAULT_CONNECT_TIMEOUT.toMillis());
            socket.setSoTimeout((int) readTimeout.toMillis());
            return new SmtpClient(socket);
        } catch (IOException e) {
            closeQuietly(socket);
            throw new UncheckedIOException("cannot connect to " + host + ":" + port
                    + (localAddress == null ? "" : " from " + localAddress) + ": " + e, e);
        }
    }

    /** The server's greeting, read at connect. */
    public ClientReply greeting() {
        return greeting;
    }

    public void setReadTimeout(Duration timeout) {
        try {
            socket.setSoTimeout((int) timeout.toMillis());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    // ---- commands ---------------------------------------------------------------------------

    public ClientReply ehlo(String name) {
        return command("EHLO " + name);
    }

    public ClientReply helo(String name) {
        return command("HELO " + name);
    }

    /** {@code MAIL FROM:<sender>}; the empty string gives the null sender {@code <>}. */
    public ClientReply mailFrom(String sender) {
        return command("MAIL FROM:<" + sender + ">");
    }

    /** {@code MAIL FROM:<sender> params}, e.g. {@code BODY=8BITMIME}. */
    public ClientReply mailFrom(String sender, String params) {
        return command("MAIL FROM:<" + sender + "> " + params);
    }

    public ClientReply rcptTo(String recipient) {
        return command("RCPT TO:<" + recipient + ">");
    }

    /** Sends {@code DATA} and returns the reply (354 when the server wants the content). */
    public ClientReply data() {
        return command("DATA");
    }

    /**
     * Sends {@code DATA}; when the server answers 354, sends {@code content} dot-stuffed with CRLF line
     * endings and the terminating dot, and returns the final reply. Otherwise returns the DATA reply.
     */
    public ClientReply data(String content) {
        return data(content.getBytes(StandardCharsets.UTF_8));
    }

    public ClientReply data(byte[] content) {
        ClientReply reply = data();
        if (reply.code() != 354) {
            return reply;
        }
        return sendContent(content);
    }

    /**
     * After a 354: sends the content (line endings normalised to CRLF, lines starting with '.' stuffed),
     * then {@code .} and returns the final reply.
     */
    public ClientReply sendContent(String content) {
        return sendContent(content.getBytes(StandardCharsets.UTF_8));
    }

    public ClientReply sendContent(byte[] content) {
        writeBytes(dotStuff(content));
        writeBytes(".\r\n".getBytes(StandardCharsets.US_ASCII));
        flush();
        return readReply();
    }

    public ClientReply rset() {
        return command("RSET");
    }

    public ClientReply noop() {
        return command("NOOP");
    }

    /** Sends QUIT, reads the reply and closes the connection. */
    public ClientReply quit() {
        try {
            return command("QUIT");
        } finally {
            close();
        }
    }

    /** Sends one command line (CRLF appended) and reads its reply. */
    public ClientReply command(String line) {
        sendLine(line);
        return readReply();
    }

    /**
     * Sends all lines in one write (PIPELINING) and then reads one reply per line, in order.
     */
    public List<ClientReply> pipeline(String... lines) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        for (String line : lines) {
            buffer.writeBytes((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        writeBytes(buffer.toByteArray());
        flush();
        List<ClientReply> replies = new ArrayList<>(lines.length);
        for (int i = 0; i < lines.length; i++) {
            replies.add(readReply());
        }
        return replies;
    }

    /**
     * A whole transaction: MAIL FROM, one RCPT TO per recipient, DATA and the content. Returns the final
     * reply after the content; if MAIL, every RCPT, or DATA is refused, sends RSET and returns the
     * first refusal instead (a RCPT refusal only counts when no recipient was accepted).
     */
    public ClientReply sendMail(String sender, List<String> recipients, String content) {
        ClientReply mail = mailFrom(sender);
        if (!mail.isPositiveCompletion()) {
            rset();
            return mail;
        }
        ClientReply firstRefusal = null;
        int accepted = 0;
        for (String recipient : recipients) {
            ClientReply rcpt = rcptTo(recipient);
            if (rcpt.isPositiveCompletion()) {
                accepted++;
            } else if (firstRefusal == null) {
                firstRefusal = rcpt;
            }
        }
        if (accepted == 0) {
            rset();
            return firstRefusal;
        }
        ClientReply data = data();
        if (data.code() != 354) {
            rset();
            return data;
        }
        return sendContent(content);
    }

    public ClientReply sendMail(String sender, String recipient, String content) {
        return sendMail(sender, List.of(recipient), content);
    }

    // ---- raw access -------------------------------------------------------------------------

    /** Writes {@code line + CRLF} and flushes, without reading a reply. */
    public void sendLine(String line) {
        writeBytes((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        flush();
    }

    /** Writes bytes exactly as given (no CRLF added, no dot-stuffing) and flushes. */
    public void sendRaw(byte[] bytes) {
        writeBytes(bytes);
        flush();
    }

    public void sendRaw(String text) {
        sendRaw(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads one (possibly multi-line) reply. */
    public ClientReply readReply() {
        try {
            return readReplyChecked();
        } catch (IOException e) {
            throw new UncheckedIOException("reading SMTP reply: " + e, e);
        }
    }

    /**
     * True when the server has closed the connection: reads and returns {@code true} on end of stream.
     * Blocks up to the read timeout if the server neither sends nor closes; any data read is lost.
     */
    public boolean isClosedByServer() {
        try {
            return in.read() == -1;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() {
        closeQuietly(socket);
    }

    // ---- internals --------------------------------------------------------------------------

    private ClientReply readReplyChecked() throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = readLine();
            if (line == null) {
                throw new EOFException("connection closed by server"
                        + (lines.isEmpty() ? "" : " in the middle of a reply: " + lines));
            }
            if (line.length() < 3 || !isDigits(line.substring(0, 3))
                    || (line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-')) {
                throw new IOException("malformed SMTP reply line: " + line);
            }
            if (!lines.isEmpty() && !line.startsWith(lines.get(0).substring(0, 3))) {
                throw new IOException("reply code changed inside a multi-line reply: " + lines + " then " + line);
            }
            lines.add(line);
            if (line.length() == 3 || line.charAt(3) == ' ') {
                return new ClientReply(Integer.parseInt(line.substring(0, 3)), lines);
            }
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b == -1) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length;
                if (length > 0 && bytes[length - 1] == '\r') {
                    length--;
                }
                return new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            line.write(b);
            if (line.size() > MAX_REPLY_LINE) {
                throw new IOException("reply line longer than " + MAX_REPLY_LINE + " bytes");
            }
        }
    }

    private static boolean isDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Normalises line endings to CRLF (a lone CR or LF ends a line too), stuffs a '.' before every line
     * that starts with one, and makes sure the content ends with CRLF.
     */
    static byte[] dotStuff(byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 64);
        boolean lineStart = true;
        for (int i = 0; i < content.length; i++) {
            byte b = content[i];
            if (b == '\r' || b == '\n') {
                out.write('\r');
                out.write('\n');
                if (b == '\r' && i + 1 < content.length && content[i + 1] == '\n') {
                    i++;
                }
                lineStart = true;
                continue;
            }
            if (lineStart && b == '.') {
                out.write('.');
            }
            out.write(b);
            lineStart = false;
        }
        if (!lineStart) {
            out.write('\r');
            out.write('\n');
        }
        return out.toByteArray();
    }

    private void writeBytes(byte[] bytes) {
        try {
            out.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to SMTP server: " + e, e);
        }
    }

    private void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to SMTP server: " + e, e);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to do: the socket is gone either way
        }
    }
}
