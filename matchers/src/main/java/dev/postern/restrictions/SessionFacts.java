package dev.postern.restrictions;

import java.util.Objects;

/**
 * What the SMTP server knows of a session beyond what the restrictions judge, for the attributes
 * of a policy service request ({@code check_policy_service}). Texts are empty and numbers 0 when
 * unknown, as Postfix sends them.
 *
 * @param protocolName       {@code SMTP} or {@code ESMTP}
 * @param clientPort         the client's TCP port
 * @param serverAddress      the server address the client connected to
 * @param serverPort         the server port the client connected to
 * @param queueId            the queue ID of the message in progress
 * @param instance           the same for every request about one message, different for the next
 * @param size               the MAIL FROM SIZE= value, later the message size
 * @param saslMethod         the SASL mechanism the client logged in with
 * @param saslSender         the MAIL FROM AUTH= value
 * @param encryptionProtocol the TLS protocol, e.g. {@code TLSv1.3}
 * @param encryptionCipher   the TLS cipher suite
 * @param encryptionKeysize  the cipher's key size in bits
 */
public record SessionFacts(String protocolName, int clientPort, String serverAddress, int serverPort, String queueId,
        String instance, long size, String saslMethod, String saslSender, String encryptionProtocol,
        String encryptionCipher, int encryptionKeysize) {
    /** Nothing known: every attribute empty. */
    public static final SessionFacts NONE = new SessionFacts("", 0, "", 0, "", "", 0, "", "", "", "", 0);

    public SessionFacts {
        protocolName = Objects.requireNonNullElse(protocolName, "");
        serverAddress = Objects.requireNonNullElse(serverAddress, "");
        queueId = Objects.requireNonNullElse(queueId, "");
        instance = Objects.requireNonNullElse(instance, "");
        saslMethod = Objects.requireNonNullElse(saslMethod, "");
        saslSender = Objects.requireNonNullElse(saslSender, "");
        encryptionProtocol = Objects.requireNonNullElse(encryptionProtocol, "");
        encryptionCipher = Objects.requireNonNullElse(encryptionCipher, "");
    }
}
