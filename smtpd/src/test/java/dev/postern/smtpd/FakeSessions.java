package dev.postern.smtpd;

import java.net.InetSocketAddress;

import org.apache.james.protocols.smtp.SMTPSession;

/** Shorthands for the {@link FakeSmtpSession}s most hook tests need. */
final class FakeSessions {
    private FakeSessions() {
    }

    /** A session that keeps the attachments it is given, with no client and on no listener (main.cf applies). */
    static SMTPSession withAttachments() {
        return FakeSmtpSession.unaddressed().session();
    }

    /** A session that keeps the attachments it is given, with a client at {@code remote}, on no listener. */
    static SMTPSession withClient(InetSocketAddress remote) {
        return FakeSmtpSession.unaddressed().from(remote).session();
    }

    /** A session that keeps the attachments it is given, on the listener bound to {@code localPort}. */
    static SMTPSession onListener(int localPort) {
        return FakeSmtpSession.unaddressed().onPort(localPort).session();
    }

    /** A session whose attachments are all absent, whatever is set. */
    static SMTPSession empty() {
        return FakeSmtpSession.unaddressed().forgettingAttachments().session();
    }
}
