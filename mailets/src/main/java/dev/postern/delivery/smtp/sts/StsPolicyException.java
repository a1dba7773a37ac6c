package dev.postern.delivery.smtp.sts;

/** A policy that could not be fetched or is not a valid MTA-STS policy; the message says what and where. */
public final class StsPolicyException extends Exception {
    private static final long serialVersionUID = 1L;

    public StsPolicyException(String message) {
        super(message);
    }

    public StsPolicyException(String message, Throwable cause) {
        super(message, cause);
    }
}
