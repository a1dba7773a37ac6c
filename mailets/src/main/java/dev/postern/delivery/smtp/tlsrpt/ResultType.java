package dev.postern.delivery.smtp.tlsrpt;

/** The result types of RFC 8460 §4.3 that Postern's MTA-STS sessions can produce. */
public enum ResultType {
    STARTTLS_NOT_SUPPORTED("starttls-not-supported"),
    CERTIFICATE_HOST_MISMATCH("certificate-host-mismatch"),
    CERTIFICATE_EXPIRED("certificate-expired"),
    CERTIFICATE_NOT_TRUSTED("certificate-not-trusted"),
    VALIDATION_FAILURE("validation-failure"),
    STS_POLICY_FETCH_ERROR("sts-policy-fetch-error"),
    STS_POLICY_INVALID("sts-policy-invalid");

    private final String keyword;

    ResultType(String keyword) {
        this.keyword = keyword;
    }

    /** The name in the report's {@code result-type}. */
    public String keyword() {
        return keyword;
    }
}
