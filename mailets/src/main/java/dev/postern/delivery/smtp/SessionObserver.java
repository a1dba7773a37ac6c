package dev.postern.delivery.smtp;

/**
 * Told the outcome of each attempt to open a session with a server (a cached session counts as
 * opened): the seam through which MTA-STS counts sessions for the TLS reports.
 */
public interface SessionObserver {
    SessionObserver NONE = new SessionObserver() {
        @Override
        public void opened(Target target) {
        }

        @Override
        public void failed(Target target, Outcome outcome) {
        }
    };

    void opened(Target target);

    /** @param outcome why the session could not be opened (its text names TLS failures) */
    void failed(Target target, Outcome outcome);
}
