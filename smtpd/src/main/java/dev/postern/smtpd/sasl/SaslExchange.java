package dev.postern.smtpd.sasl;

import java.util.Optional;

/** One AUTH command's conversation with the SASL server, from the first response to its outcome. */
public interface SaslExchange extends AutoCloseable {
    /**
     * The server's answer to the client's next response (base64, already checked to be base64):
     * the first call gets the AUTH command's initial response, if it had one.
     */
    SaslStep step(Optional<String> response);

    /** Ends the exchange (done, aborted with {@code *}, or the client went away). */
    @Override
    void close();
}
