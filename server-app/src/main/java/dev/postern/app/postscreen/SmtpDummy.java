package dev.postern.app.postscreen;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;

import dev.postern.log.MailLog;

/**
 * postscreen's own small SMTP engine for a client that failed a test whose action is
 * {@code enforce}: it answers the protocol so the client logs a reason, rejects every RCPT with
 * the failed test's 550 reply (logged {@code NOQUEUE: reject: RCPT from ...} as Postfix does), and
 * never hands the client to smtpd. No message is ever accepted.
 */
final class SmtpDummy {
    private static final int LINE_LIMIT = 2048;

    private final Channel client;
    private final MailLog log;
    private final String clientName;
    private final String banner;
    private final String reject;
    private final Runnable ended;
    private final StringBuilder line = new StringBuilder();
    private String helo = "";
    private String sender = "";
    private String proto = "SMTP";

    SmtpDummy(Channel client, MailLog log, String clientName, String banner, String reject, Runnable ended) {
        this.client = client;
        this.log = log;
        this.clientName = clientName;
        this.banner = banner;
        this.reject = reject;
        this.ended = ended;
    }

    void greet() {
        reply("220 " + banner);
    }

    void received(ByteBuf bytes) {
        while (bytes.isReadable()) {
            char c = (char) (bytes.readByte() & 0xff);
            if (c == '\n') {
                String command = line.toString();
                line.setLength(0);
                command(command.endsWith("\r") ? command.substring(0, command.length() - 1) : command);
            } else if (line.length() < LINE_LIMIT) {
                line.append(c);
            }
        }
    }

    private void command(String command) {
        String verb = command.split(" ", 2)[0].toUpperCase(Locale.ROOT);
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
            case "RCPT" -> {
                log.log("postscreen", "NOQUEUE: reject: RCPT from " + clientName + ": " + reject + "; from=<" + sender
                    + ">, to=<" + path(argument) + ">, proto=" + proto + ", helo=<" + helo + ">");
                reply(reject);
            }
            case "DATA", "BDAT" -> reply("554 5.5.1 Error: no valid recipients");
            case "RSET" -> {
                sender = "";
                reply("250 2.0.0 Ok");
            }
            case "NOOP" -> reply("250 2.0.0 Ok");
            case "QUIT" -> {
                client.writeAndFlush(Unpooled.copiedBuffer("221 2.0.0 Bye\r\n", StandardCharsets.US_ASCII))
                    .addListener(ChannelFutureListener.CLOSE);
                ended.run();
            }
            default -> reply("502 5.5.2 Error: command not recognized");
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

    private void reply(String text) {
        client.writeAndFlush(Unpooled.copiedBuffer(text + "\r\n", StandardCharsets.US_ASCII));
    }
}
