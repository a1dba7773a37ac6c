package dev.postern.testing.smtp;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What one connection to an {@link SmtpSink} received, as it came over the wire: the command lines,
 * the message data of every DATA (still dot-stuffed, line ends as sent), the AUTH credentials, and
 * whether STARTTLS succeeded. Recorded whatever the replies were, unlike {@link SinkMessage}.
 */
public final class SinkTranscript {
    private final List<String> lines = new CopyOnWriteArrayList<>();
    /** Per line of {@link #lines}: whether more of the client's input had arrived when it was read. */
    private final List<Boolean> followed = new CopyOnWriteArrayList<>();
    private final List<byte[]> messages = new CopyOnWriteArrayList<>();
    private final List<String> credentials = new CopyOnWriteArrayList<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile boolean tls;
    private volatile String tlsClientSubject;

    SinkTranscript() {
    }

    /** The client's command lines (and AUTH responses) without their line ends, in order. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /**
     * The command lines grouped as they arrived: a line joins the group of the line before it when
     * it was already there when that line was read, before the sink had answered it. A client that
     * waits for each reply sends groups of one line; one that pipelines (RFC 2920) sends, e.g.,
     * {@code [MAIL FROM:<a>, RCPT TO:<b>, RCPT TO:<c>, DATA]} as one group.
     */
    public synchronized List<List<String>> commandGroups() {
        List<List<String>> groups = new ArrayList<>();
        List<String> group = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            group.add(lines.get(i));
            if (!followed.get(i)) {
                groups.add(List.copyOf(group));
                group.clear();
            }
        }
        if (!group.isEmpty()) {
            groups.add(List.copyOf(group));
        }
        return groups;
    }

    /** The data of every DATA up to the final dot (excluded), as sent. */
    public List<byte[]> messages() {
        return messages.stream().map(byte[]::clone).toList();
    }

    /** Message {@code i} decoded as UTF-8. */
    public String message(int i) {
        return new String(messages.get(i), StandardCharsets.UTF_8);
    }

    /** {@code MECHANISM user:password} of every AUTH, in order. */
    public List<String> credentials() {
        return List.copyOf(credentials);
    }

    /** Whether a STARTTLS handshake succeeded on this connection. */
    /** The subject of the client's TLS certificate, when it sent one. */
    public java.util.Optional<String> tlsClientSubject() {
        return java.util.Optional.ofNullable(tlsClientSubject);
    }

    public boolean tls() {
        return tls;
    }

    /** Whether the connection has ended. */
    public boolean ended() {
        return ended.getCount() == 0;
    }

    boolean awaitEnd(Duration timeout) throws InterruptedException {
        return ended.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    void addLine(String line) {
        addLine(line, false);
    }

    /** {@code moreWaiting}: more input had arrived behind this line when it was read. */
    synchronized void addLine(String line, boolean moreWaiting) {
        lines.add(line);
        followed.add(moreWaiting);
    }

    void addMessage(byte[] data) {
        messages.add(data);
    }

    void addCredentials(String mechanismAndCredentials) {
        credentials.add(mechanismAndCredentials);
    }

    void tlsStarted(String clientSubject) {
        tls = true;
        tlsClientSubject = clientSubject;
    }

    void end() {
        ended.countDown();
    }

    @Override
    public String toString() {
        return "SinkTranscript" + lines;
    }
}
