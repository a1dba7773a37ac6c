package dev.postern.app.postscreen;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;

import dev.postern.log.MailEvent;
import dev.postern.log.MailLog;

/**
 * postscreen's own small SMTP engine, never handing the client to smtpd and never accepting mail.
 * Two uses: for a client that failed a test whose action is {@code enforce}, it rejects every RCPT
 * with that test's 550 reply; for a client in the deep protocol tests ({@link DeepTests}), it
 * watches for pipelining, non-SMTP commands and bare newlines, and answers RCPT with
 * {@code 450 4.3.2}: a client that got there cleanly has passed and is let through to smtpd when
 * it tries again, as with Postfix. RCPT rejections are logged {@code NOQUEUE: reject: RCPT from ...}.
 */
final class SmtpDummy {
    /** What the session does with the verdicts of the deep tests. */
    interface Outcome {
        /** The client reached RCPT without failing a deep test. */
        void passed();

        /** The client failed a deep test whose action is drop: it has been answered and is being closed. */
        void dropped();

        /** The client failed a deep test whose action is ignore or enforce. */
        void failed(PostscreenAction action);

        /** The client said QUIT. */
        void ended();
    }

    private static final int LINE_LIMIT = 2048;
    private static final String PASSED_REPLY = "450 4.3.2 Service currently unavailable";
    private static final Set<String> NON_SMTP = Set.of("CONNECT", "GET", "POST");
    /** A header line (User-Agent:, Host:) or a line not starting with a letter: not SMTP. */
    private static final Pattern NON_SMTP_LINE = Pattern.compile("^(?:[^A-Za-z].*|[A-Za-z][A-Za-z0-9-]*:.*)$");

    private final Channel client;
    private final MailLog log;
    private final String clientName;
    private final String banner;
    private final DeepTests deep;
    private final Outcome outcome;
    private final StringBuilder line = new StringBuilder();
    private String reject;
    private boolean deepFailed;
    /** The deep tests already failed in this session, each logged once. */
    private final Set<String> failedTests = new java.util.HashSet<>();
    private boolean passed;
    private boolean dropped;
    private String lastCommand = "CONNECT";
    private String helo = "";
    private String sender = "";
    private String proto = "SMTP";

    /**
     * @param reject the RCPT reply of an enforced failure, or null to run the deep tests
     */
    SmtpDummy(Channel client, MailLog log, String clientName, String banner, String reject, DeepTests deep,
              Outcome outcome) {
        this.client = client;
        this.log = log;
        this.clientName = clientName;
        this.banner = banner;
        this.reject = reject;
        this.deep = reject == null ? deep : DeepTests.none();
        this.outcome = outcome;
    }

    void greet() {
        reply("220 " + banner);
    }

    void received(ByteBuf bytes) {
        while (bytes.isReadable() && !dropped) {
            char c = (char) (bytes.readByte() & 0xff);
            if (c != '\n') {
                if (line.length() < LINE_LIMIT) {
                    line.append(c);
                }
                continue;
            }
            boolean bare = line.length() == 0 || line.charAt(line.length() - 1) != '\r';
            String command = bare ? line.toString() : line.substring(0, line.length() - 1);
            line.setLength(0);
            if (deep.bareNewline() && bare && fail(deep.bareNewlineAction(), "bare_newline", "BARE NEWLINE from " + clientName
                    + " after " + lastCommand)) {
                return;
            }
            if (deep.nonSmtpCommand() && nonSmtp(command) && fail(deep.nonSmtpCommandAction(), "non_smtp_command",
                    "NON-SMTP COMMAND from " + clientName + " after " + lastCommand + ": " + shorten(command))) {
                return;
            }
            String verb = command.split(" ", 2)[0].toUpperCase(Locale.ROOT);
            if (deep.pipelining() && bytes.isReadable() && !verb.equals("QUIT") && fail(deep.pipeliningAction(), "pipelining",
                    "COMMAND PIPELINING from " + clientName + " after " + verb + ": "
                        + shorten(bytes.toString(bytes.readerIndex(), Math.min(bytes.readableBytes(), 100),
                            StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n")))) {
                return;
            }
            lastCommand = verb.isEmpty() ? "CONNECT" : verb;
            command(verb, command);
        }
    }

    private static boolean nonSmtp(String command) {
        String verb = command.split(" ", 2)[0].toUpperCase(Locale.ROOT);
        return NON_SMTP.contains(verb) || NON_SMTP_LINE.matcher(command).matches();
    }

    /**
     * Logs a deep test failure and applies its action.
     *
     * @param verdict the test's name in the metrics' {@code event} label
     * @return true when the client was dropped
     */
    private boolean fail(PostscreenAction action, String verdict, String logLine) {
        if (!failedTests.add(logLine.substring(0, logLine.indexOf(" from ")))) {
            return false;
        }
        log.log("postscreen", logLine, new MailEvent.PostscreenVerdict(verdict));
        if (action == PostscreenAction.DROP) {
            dropped = true;
            client.writeAndFlush(ascii("521 5.5.1 Protocol error\r\n")).addListener(ChannelFutureListener.CLOSE);
            outcome.dropped();
            return true;
        }
        if (!deepFailed) {
            deepFailed = true;
            if (action == PostscreenAction.ENFORCE) {
                reject = "550 5.5.1 Protocol error";
            }
            outcome.failed(action);
        }
        return false;
    }

    private void command(String verb, String command) {
        String argument = command.length() > verb.length() ? command.substring(verb.length()).trim() : "";
        switch (verb) {
            case "EHLO", "HELO" -> {
                helo = argument;
                proto = verb.equals("EHLO") ? "ESMTP" : "SMTP";
                reply("250 " + banner.split(" ", 2)[0]);
            }
            case "MAIL" -> {
                sender = path(argument);
                reply("250 2.1.0 Ok");
            }
            case "RCPT" -> rcpt(path(argument));
            case "DATA", "BDAT" -> reply("554 5.5.1 Error: no valid recipients");
            case "RSET" -> {
                sender = "";
                reply("250 2.0.0 Ok");
            }
            case "NOOP" -> reply("250 2.0.0 Ok");
            case "QUIT" -> {
                client.writeAndFlush(ascii("221 2.0.0 Bye\r\n")).addListener(ChannelFutureListener.CLOSE);
                outcome.ended();
            }
            default -> reply("502 5.5.2 Error: command not recognized");
        }
    }

    private void rcpt(String recipient) {
        String answer = reject != null ? reject : PASSED_REPLY;
        log.log("postscreen", "NOQUEUE: reject: RCPT from " + clientName + ": " + answer + "; from=<" + sender
            + ">, to=<" + recipient + ">, proto=" + proto + ", helo=<" + helo + ">");
        reply(answer);
        if (reject == null && !deepFailed && !passed) {
            passed = true;
            outcome.passed();
        }
    }

    /** The address of {@code FROM:<a@b> ...} or {@code TO:<a@b>}. */
    private static String path(String argument) {
        int open = argument.indexOf('<');
        int close = argument.indexOf('>', open + 1);
        if (open >= 0 && close > open) {
            return argument.substring(open + 1, close);
        }
        int colon = argument.indexOf(':');
        return colon >= 0 ? argument.substring(colon + 1).trim() : argument;
    }

    private static String shorten(String text) {
        return text.length() > 100 ? text.substring(0, 100) : text;
    }

    private void reply(String text) {
        client.writeAndFlush(ascii(text + "\r\n"));
    }

    private static ByteBuf ascii(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }
}
