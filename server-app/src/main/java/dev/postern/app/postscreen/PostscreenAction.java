package dev.postern.app.postscreen;

import java.util.Locale;

/** What postscreen does with a client that fails a test: Postfix's {@code postscreen_*_action} values. */
public enum PostscreenAction {
    /** count the failure, let the client go on to smtpd (it is tested again next time) */
    IGNORE,
    /** let the other tests finish, then answer every RCPT with 550 5.3.2 and never hand it to smtpd */
    ENFORCE,
    /** 521 5.x.x and hang up at once */
    DROP;

    /** @throws IllegalArgumentException naming the parameter and the value */
    public static PostscreenAction parse(String parameter, String value) {
        String word = value.trim().toLowerCase(Locale.ROOT);
        for (PostscreenAction action : values()) {
            if (action.name().toLowerCase(Locale.ROOT).equals(word)) {
                return action;
            }
        }
        throw new IllegalArgumentException(parameter + ": \"" + value + "\" is not one of ignore, enforce, drop");
    }
}
