package dev.postern.verify;

/**
 * Postfix's verify(8) as the SMTP server's restrictions ask it: what is known about whether mail to
 * an address can be delivered. Asking about an address that is not known (or whose answer is due for a
 * refresh) sends a probe: a message through the queue manager that stops after RCPT TO at the next hop
 * and is never delivered.
 */
public interface AddressVerifier {

    /**
     * The cached status of {@code address} ({@link VerifyStatus.Status#IN_PROGRESS} while a first probe is
     * on its way), sending a probe when one is due.
     *
     * @throws VerifyException when the verification service cannot answer (its cache cannot be read or
     *                         written, or no queue manager takes probes)
     */
    VerifyStatus query(String address) throws VerifyException;

    /** Why the verification service could not answer: the restriction replies "address verification problem". */
    final class VerifyException extends Exception {
        public VerifyException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
