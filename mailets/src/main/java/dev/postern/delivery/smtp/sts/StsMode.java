package dev.postern.delivery.smtp.sts;

/** The {@code mode} of an MTA-STS policy (RFC 8461 §5). */
public enum StsMode {
    /** Deliver only to matching MX hosts over verified TLS, else defer. */
    ENFORCE("enforce"),
    /** Deliver as usual; report (and log) what enforce would have refused. */
    TESTING("testing"),
    /** The domain withdrew its policy: nothing to apply. */
    NONE("none");

    private final String keyword;

    StsMode(String keyword) {
        this.keyword = keyword;
    }

    public String keyword() {
        return keyword;
    }
}
