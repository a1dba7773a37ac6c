package dev.postern.app;

import dev.postern.verify.AddressVerifier;
import dev.postern.verify.VerifyStatus;

/**
 * The address verification service of the commands that build the SMTP server's restriction lists
 * without running it ({@code postern check}, {@code postern explain}): reject_unverified_* parse, and
 * are answered "address verification problem" rather than sending a probe from outside the server.
 */
public final class OfflineVerifier implements AddressVerifier {
    public static final OfflineVerifier INSTANCE = new OfflineVerifier();

    private OfflineVerifier() {
    }

    @Override
    public VerifyStatus query(String address) throws VerifyException {
        throw new VerifyException("the address verification service runs in the server only", null);
    }
}
