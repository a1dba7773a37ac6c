package dev.postern.delivery.smtp.tlsrpt;

/**
 * Where the SMTP client tells the outcome of each TLS session with a policy domain's MX hosts;
 * {@link TlsReportBook} adds them up for the daily report.
 */
public interface TlsResults {
    /** Records nothing: TLS reporting is off. */
    TlsResults NONE = new TlsResults() {
        @Override
        public void success(ReportPolicy policy) {
        }

        @Override
        public void failure(ReportPolicy policy, Failure failure) {
        }
    };

    /**
     * One failed session, the fields of a report's {@code failure-details}.
     *
     * @param mxHost  the receiving MX host name, empty when there was none (policy fetch)
     * @param address the receiving IP address, empty when unknown
     */
    record Failure(ResultType type, String mxHost, String address, String detail) {
    }

    void success(ReportPolicy policy);

    void failure(ReportPolicy policy, Failure failure);
}
