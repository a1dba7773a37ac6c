package dev.postern.app.postscreen;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.postern.config.MainCf;

/**
 * postscreen's tests after the 220 greeting, each with its {@code _enable}, {@code _action} and
 * {@code _ttl}: pipelining (a command sent before the reply to the previous one), non-SMTP commands
 * (CONNECT, GET, POST, a header such as {@code User-Agent:}, a line not starting with a letter), and
 * a bare newline (a line ended by LF alone).
 */
public record DeepTests(boolean pipelining, PostscreenAction pipeliningAction, boolean nonSmtpCommand,
                        PostscreenAction nonSmtpCommandAction, boolean bareNewline, PostscreenAction bareNewlineAction,
                        Duration ttl) {

    /** @throws IllegalArgumentException naming the parameter with a value Postern cannot use */
    public static DeepTests from(MainCf cf) {
        boolean pipelining = cf.bool("postscreen_pipelining_enable");
        boolean nonSmtp = cf.bool("postscreen_non_smtp_command_enable");
        boolean bareNewline = cf.bool("postscreen_bare_newline_enable");
        // one expiry for the three: the shortest TTL of the tests that run
        List<Duration> ttls = new ArrayList<>();
        if (pipelining) {
            ttls.add(cf.duration("postscreen_pipelining_ttl"));
        }
        if (nonSmtp) {
            ttls.add(cf.duration("postscreen_non_smtp_command_ttl"));
        }
        if (bareNewline) {
            ttls.add(cf.duration("postscreen_bare_newline_ttl"));
        }
        return new DeepTests(pipelining,
            PostscreenAction.parse("postscreen_pipelining_action", cf.get("postscreen_pipelining_action")),
            nonSmtp,
            PostscreenAction.parse("postscreen_non_smtp_command_action", cf.get("postscreen_non_smtp_command_action")),
            bareNewline,
            PostscreenAction.parse("postscreen_bare_newline_action", cf.get("postscreen_bare_newline_action")),
            ttls.stream().min(Duration::compareTo).orElse(Duration.ZERO));
    }

    public static DeepTests none() {
        return new DeepTests(false, PostscreenAction.IGNORE, false, PostscreenAction.IGNORE, false,
            PostscreenAction.IGNORE, Duration.ZERO);
    }

    public boolean enabled() {
        return pipelining || nonSmtpCommand || bareNewline;
    }
}
