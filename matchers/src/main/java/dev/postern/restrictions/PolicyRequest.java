package dev.postern.restrictions;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The attributes of a policy service request about one command, in the order Postfix 3.7 sends
 * them (then {@code compatibility_level} and {@code mail_version}, as later versions do); what the
 * session does not know is sent empty.
 */
final class PolicyRequest {
    private PolicyRequest() {
    }

    static Map<String, String> attributes(SmtpState state, String policyContext, RestrictionConfig config) {
        SessionFacts facts = state.facts();
        boolean messageStage = state.stage() == Stage.DATA || state.stage() == Stage.END_OF_DATA;
        Map<String, String> a = new LinkedHashMap<>();
        a.put("request", "smtpd_access_policy");
        a.put("protocol_state", protocolState(state));
        a.put("protocol_name", facts.protocolName());
        a.put("helo_name", state.helo() == null ? "" : state.helo());
        a.put("queue_id", facts.queueId());
        a.put("sender", state.hasSender() ? state.senderAddress() : "");
        a.put("recipient", state.recipient() == null ? "" : state.recipient().address());
        // Postfix counts recipients only once they are all known: at DATA and END-OF-MESSAGE.
        a.put("recipient_count", Integer.toString(messageStage ? state.recipientCount() : 0));
        a.put("client_address", state.clientAddressText());
        a.put("client_name", state.clientName());
        a.put("reverse_client_name", state.client().reverseName() == null ? "" : state.client().reverseName());
        a.put("instance", facts.instance());
        a.put("sasl_method", state.saslUsername() == null ? "" : facts.saslMethod());
        a.put("sasl_username", state.saslUsername() == null ? "" : state.saslUsername());
        a.put("sasl_sender", facts.saslSender());
        a.put("size", Long.toString(facts.size()));
        // Postern asks for no client certificates: the ccert_* attributes stay empty, as Postfix sends them then.
        a.put("ccert_subject", "");
        a.put("ccert_issuer", "");
        a.put("ccert_fingerprint", "");
        a.put("ccert_pubkey_fingerprint", "");
        a.put("encryption_protocol", facts.encryptionProtocol());
        a.put("encryption_cipher", facts.encryptionCipher());
        a.put("encryption_keysize", Integer.toString(facts.encryptionKeysize()));
        a.put("etrn_domain", "");
        a.put("stress", "");
        a.put("client_port", facts.clientPort() == 0 ? "" : Integer.toString(facts.clientPort()));
        a.put("server_address", facts.serverAddress());
        a.put("server_port", facts.serverPort() == 0 ? "" : Integer.toString(facts.serverPort()));
        a.put("policy_context", policyContext);
        a.put("compatibility_level", config.compatibilityLevel);
        a.put("mail_version", config.mailVersion);
        return a;
    }

    /** The SMTP command being checked, by Postfix's names. */
    static String protocolState(SmtpState state) {
        return switch (state.stage()) {
            case CLIENT -> "CONNECT";
            case HELO -> "ESMTP".equals(state.facts().protocolName()) ? "EHLO" : "HELO";
            case SENDER -> "MAIL";
            case RECIPIENT -> "RCPT";
            case DATA -> "DATA";
            case END_OF_DATA -> "END-OF-MESSAGE";
        };
    }
}
