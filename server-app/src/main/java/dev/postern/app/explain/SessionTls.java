package dev.postern.app.explain;

import dev.postern.config.ComponentParameters;

/**
 * Whether the hypothetical session is encrypted: explain has no TLS handshake, so it takes the
 * session as the listener lets it go on. A listener in wrapper mode is encrypted from the first
 * byte; one with {@code smtpd_tls_security_level = encrypt} refuses MAIL before STARTTLS, and one
 * with {@code smtpd_tls_auth_only = yes} offers AUTH only after it, so a client that got that far
 * (with a login, for the latter) has started TLS. Otherwise the session is taken as plain text.
 */
record SessionTls(boolean wrapperMode, boolean encryptRequired, boolean authOnly) {

    static SessionTls of(ComponentParameters parameters) {
        return new SessionTls(
            parameters.bool("smtpd_tls_wrappermode"),
            parameters.get("smtpd_tls_security_level").trim().equals("encrypt"),
            parameters.bool("smtpd_tls_auth_only"));
    }

    /** Whether the session is encrypted at MAIL FROM and RCPT TO. */
    boolean encrypted(boolean loggedIn) {
        return wrapperMode || encryptRequired || (loggedIn && authOnly);
    }

    /** {@code yes (why)} or {@code no (...)}, for the header of the explanation. */
    String describe(boolean loggedIn) {
        if (wrapperMode) {
            return "yes (smtpd_tls_wrappermode = yes)";
        }
        if (encryptRequired) {
            return "yes (smtpd_tls_security_level = encrypt: MAIL is refused before STARTTLS)";
        }
        if (loggedIn && authOnly) {
            return "yes (smtpd_tls_auth_only = yes: AUTH is offered only after STARTTLS)";
        }
        return "no (taken as a session without STARTTLS)";
    }
}
