package dev.postern.testing.smtp;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * One connection to an {@link SmtpSink}: the SMTP (or LMTP) dialogue as the sink's script says,
 * recorded in the connection's {@link SinkTranscript}; each accepted transaction handed back to the
 * sink as a {@link SinkMessage}.
 */
final class SinkSession {
    private static final int MAX_LINE = 1024 * 1024;

    private final SmtpSink sink;
    private final SinkScript script;
    private final SinkTranscript transcript;
    private final String clientAddress;
    /** null on a UNIX-domain socket (no STARTTLS there). */
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private String helo;
    private String sender;
    private String mailParameters;
    private final List<String> recipients = new ArrayList<>();

    SinkSession(SmtpSink sink, SinkScript script, SinkTranscript transcript, Socket socket, InputStream in,
            OutputStream out, String clientAddress) {
        this.sink = sink;
        this.script = script;
        this.transcript = transcript;
        this.socket = socket;
        this.in = new BufferedInputStream(in);
        this.out = new BufferedOutputStream(out);
        this.clientAddress = clientAddress;
    }

    /** Runs the dialogue until QUIT, the end of the stream or an I/O error (a broken client must not take the sink down). */
    void run() throws IOException {
        if (script.silent) {
            // Say nothing; the client gives up.
            readLine();
            return;
        }
        reply(script.greeting != null ? script.greeting
                : "220 " + sink.hostname() + (sink.lmtp() ? " LMTP" : " ESMTP") + " Postern test sink");
        while (true) {
            byte[] raw = readLine();
            if (raw == null) {
                return;
            }
            String line = new String(withoutLineEnd(raw), StandardCharsets.UTF_8);
            // Input behind the line before it is answered: the client pipelined.
            transcript.addLine(line, in.available() > 0);
            if (!handle(line)) {
                return;
            }
        }
    }

    /** Returns false when the session ends. */
    private boolean handle(String line) throws IOException {
        String upper = line.toUpperCase(Locale.ROOT);
        String verb = upper.split(" ", 2)[0];
        String scripted = script.verbReply(verb);
        if (scripted != null) {
            reply(scripted);
            return !verb.equals("QUIT");
        }
        switch (verb) {
            case "EHLO", "HELO":
                return sink.lmtp() ? unrecognized() : hello(line, verb.equals("EHLO"));
            case "LHLO":
                return sink.lmtp() ? hello(line, true) : unrecognized();
            case "STARTTLS":
                return startTls();
            case "AUTH":
                return authenticate(line);
            case "MAIL":
                return mail(line, upper);
            case "RCPT":
                return rcpt(line, upper);
            case "DATA":
                return data();
            case "RSET":
                resetTransaction();
                reply("250 2.0.0 Ok");
                return true;
            case "NOOP":
                reply("250 2.0.0 Ok");
                return true;
            case "VRFY":
                reply("252 2.0.0 Send some mail, I'll try my best");
                return true;
            case "QUIT":
                reply("221 2.0.0 Bye");
                return false;
            default:
                return unrecognized();
        }
    }

    private boolean unrecognized() throws IOException {
        reply("502 5.5.2 Error: command not recognized");
        return true;
    }

    private boolean hello(String line, boolean extended) throws IOException {
        helo = argument(line);
        resetTransaction();
        if (!extended) {
            reply("250 " + sink.hostname());
            return true;
        }
        StringBuilder ehlo = new StringBuilder("250");
        List<String> keywords = script.ehloKeywords;
        ehlo.append(keywords.isEmpty() ? " " : "-").append(sink.hostname());
        for (int i = 0; i < keywords.size(); i++) {
            ehlo.append('\n').append(i == keywords.size() - 1 ? "250 " : "250-").append(keywords.get(i));
        }
        reply(ehlo.toString());
        return true;
    }

    private static String clientSubject(SSLSocket tls) {
        try {
            return tls.getSession().getPeerPrincipal().getName();
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            return null;
        }
    }

    private boolean startTls() throws IOException {
        SSLContext context = script.tls;
        if (socket == null || (context == null && !script.brokenTls)) {
            reply("454 4.7.0 TLS not available");
            return true;
        }
        reply("220 2.0.0 Ready to start TLS");
        if (script.brokenTls) {
            return false;
        }
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, null, socket.getPort(), true);
        tls.setUseClientMode(false);
        tls.setWantClientAuth(script.tlsWantsClientCertificate);
        tls.startHandshake();
        transcript.tlsStarted(clientSubject(tls));
        socket = tls;
        in = new BufferedInputStream(tls.getInputStream());
        out = new BufferedOutputStream(tls.getOutputStream());
        // RFC 3207: the client starts again with EHLO.
        helo = null;
        resetTransaction();
        return true;
    }

    private boolean authenticate(String line) throws IOException {
        String[] words = line.split(" ");
        String mechanism = words.length > 1 ? words[1].toUpperCase(Locale.ROOT) : "";
        try {
            String credentials;
            if (mechanism.equals("PLAIN")) {
                String response = words.length > 2 ? words[2] : challenge("334 ");
                String[] parts = decode(response).split("\0", -1);
                if (parts.length != 3) {
                    reply("501 5.5.2 Error: malformed PLAIN response");
                    return true;
                }
                credentials = parts[1] + ":" + parts[2];
            } else if (mechanism.equals("LOGIN")) {
                String user = decode(challenge("334 VXNlcm5hbWU6"));
                credentials = user + ":" + decode(challenge("334 UGFzc3dvcmQ6"));
            } else {
                reply("504 5.5.4 Unrecognized authentication type");
                return true;
            }
            transcript.addCredentials(mechanism + " " + credentials);
            reply(credentials.equals(script.authAccepts) ? "235 2.7.0 Authentication successful"
                    : "535 5.7.8 Error: authentication failed: authentication failure");
            return true;
        } catch (IllegalArgumentException e) {
            reply("501 5.5.2 Error: malformed base64 in the AUTH response");
            return true;
        }
    }

    /** Sends the challenge and returns the client's response line (recorded too), or throws at the end of the stream. */
    private String challenge(String challenge) throws IOException {
        reply(challenge);
        byte[] raw = readLine();
        if (raw == null) {
            throw new IOException("client left during AUTH");
        }
        String response = new String(withoutLineEnd(raw), StandardCharsets.UTF_8);
        transcript.addLine(response);
        return response;
    }

    private boolean mail(String line, String upper) throws IOException {
        if (!upper.startsWith("MAIL FROM:")) {
            reply("501 5.5.4 Syntax: MAIL FROM:<address>");
            return true;
        }
        if (sender != null) {
            reply("503 5.5.1 Error: nested MAIL command");
            return true;
        }
        String[] path = parsePath(line.substring("MAIL FROM:".length()));
        if (path == null) {
            reply("501 5.1.7 Bad sender address syntax");
            return true;
        }
        String answer = script.mailReply.apply(path[0]);
        if (answer.startsWith("2")) {
            sender = path[0];
            mailParameters = path[1];
        }
        reply(answer);
        return true;
    }

    private boolean rcpt(String line, String upper) throws IOException {
        if (!upper.startsWith("RCPT TO:")) {
            reply("501 5.5.4 Syntax: RCPT TO:<address>");
            return true;
        }
        if (sender == null) {
            reply("503 5.5.1 Error: need MAIL command");
            return true;
        }
        String[] path = parsePath(line.substring("RCPT TO:".length()));
        if (path == null) {
            reply("501 5.1.3 Bad recipient address syntax");
            return true;
        }
        String answer = script.rcptReply.apply(path[0]);
        if (answer.startsWith("2")) {
            recipients.add(path[0]);
        }
        reply(answer);
        return true;
    }

    private boolean data() throws IOException {
        if (sender == null) {
            reply("503 5.5.1 Error: need RCPT command");
            return true;
        }
        if (recipients.isEmpty()) {
            reply("554 5.5.1 Error: no valid recipients");
            return true;
        }
        reply("354 End data with <CR><LF>.<CR><LF>");
        while (script.stallInData && sink.isRunning()) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        while (true) {
            byte[] raw = readLine();
            if (raw == null) {
                return false;
            }
            byte[] line = withoutLineEnd(raw);
            if (line.length == 1 && line[0] == '.') {
                break;
            }
            wire.write(raw);
            int start = line.length > 0 && line[0] == '.' ? 1 : 0;
            content.write(line, start, line.length - start);
            content.write('\r');
            content.write('\n');
        }
        transcript.addMessage(wire.toByteArray());
        if (script.dropAtEndOfData) {
            return false;
        }
        if (sink.lmtp()) {
            finishLmtpTransaction(content.toByteArray());
        } else {
            finishTransaction(content.toByteArray());
        }
        return true;
    }

    private void finishTransaction(byte[] content) throws IOException {
        long number = sink.nextSequence();
        String answer = script.dataReply != null ? script.dataReply : "250 2.0.0 Ok: queued as SINK" + number;
        if (answer.startsWith("2")) {
            sink.record(message(number, recipients, content));
        } else {
            sink.refused();
        }
        resetTransaction();
        // Recorded before the reply goes out, so a client that saw 250 always finds its message.
        reply(answer);
    }

    /** LMTP: one reply per accepted recipient; the message is recorded for those whose reply is 2xx. */
    private void finishLmtpTransaction(byte[] content) throws IOException {
        long number = sink.nextSequence();
        Function<String, String> perRecipient = script.recipientDataReply;
        String common = script.dataReply != null ? script.dataReply : "250 2.0.0 Ok: queued as SINK" + number;
        List<String> answers = new ArrayList<>();
        List<String> delivered = new ArrayList<>();
        for (String recipient : recipients) {
            String answer = perRecipient != null ? perRecipient.apply(recipient) : common;
            answers.add(answer);
            if (answer.startsWith("2")) {
                delivered.add(recipient);
            }
        }
        if (delivered.isEmpty()) {
            sink.refused();
        } else {
            sink.record(message(number, delivered, content));
        }
        resetTransaction();
        for (String answer : answers) {
            reply(answer);
        }
    }

    private SinkMessage message(long number, List<String> to, byte[] content) {
        return new SinkMessage(number, clientAddress, helo, sender, mailParameters, to, content, Instant.now());
    }

    private void resetTransaction() {
        sender = null;
        mailParameters = null;
        recipients.clear();
    }

    /** One line with its line end (only LF ends a line), or null at the end of the stream. */
    private byte[] readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        while (true) {
            int b = in.read();
            if (b == -1) {
                return line.size() == 0 ? null : line.toByteArray();
            }
            line.write(b);
            if (b == '\n') {
                return line.toByteArray();
            }
            if (line.size() > MAX_LINE) {
                throw new IOException("line too long");
            }
        }
    }

    /** Without its LF, and then without a CR before it. */
    private static byte[] withoutLineEnd(byte[] raw) {
        int end = raw.length;
        if (end > 0 && raw[end - 1] == '\n') {
            end--;
        }
        if (end > 0 && raw[end - 1] == '\r') {
            end--;
        }
        return Arrays.copyOf(raw, end);
    }

    /** Sends a reply; a multi-line reply has its lines joined by \n (or CR LF). */
    private void reply(String reply) throws IOException {
        StringBuilder text = new StringBuilder();
        for (String line : reply.split("\r?\n")) {
            text.append(line).append("\r\n");
        }
        out.write(text.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64.trim()), StandardCharsets.UTF_8);
    }

    private static String argument(String line) {
        String[] parts = line.split(" ", 2);
        return parts.length > 1 ? parts[1].strip() : "";
    }

    /** Parses {@code <addr> params} (leading white space allowed); returns {address, params} or null. */
    private static String[] parsePath(String rest) {
        String s = rest.stripLeading();
        if (!s.startsWith("<")) {
            return null;
        }
        int close = s.indexOf('>');
        if (close < 0) {
            return null;
        }
        return new String[] {s.substring(1, close), s.substring(close + 1).strip()};
    }
}
