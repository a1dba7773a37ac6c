package dev.postern.smtpd;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;

import dev.postern.restrictions.Reply;

/**
 * The replies smtpd writes itself, outside the restriction lists: code, enhanced status code and
 * text, in Postfix's words (smtpd.c; cleanup's errors as in cleanup_strerror.c), so that one table
 * says what a client reads and a test can hold it to Postfix's. A {@code %s} in the text is filled
 * in when the reply is made: the host name, the client's address, an address or a queue ID.
 * Replies built by the restriction engine ({@code Recipient address rejected: ...}) are not here.
 */
enum FixedReply {
    /** MAIL FROM whose path cannot be read. */
    BAD_SENDER_SYNTAX("501", "5.1.7", "Bad sender address syntax"),
    /** RCPT TO whose path cannot be read, or resolves to an error. */
    BAD_RECIPIENT_SYNTAX("501", "5.1.3", "Bad recipient address syntax"),
    /** The accepted MAIL FROM. */
    SENDER_OK("250", "2.1.0", "Ok"),
    /** The accepted RCPT TO. */
    RECIPIENT_OK("250", "2.1.5", "Ok"),
    /** The go-ahead for the message data; a 354 has no enhanced status code. */
    START_DATA("354", "", "End data with <CR><LF>.<CR><LF>"),
    /** The message is in the queue: the queue ID. */
    QUEUED("250", "2.0.0", "Ok: queued as %s"),
    NEED_MAIL("503", "5.5.1", "Error: need MAIL command"),
    NEED_RCPT("503", "5.5.1", "Error: need RCPT command"),
    /** DATA after every RCPT TO of the transaction was refused. */
    NO_VALID_RECIPIENTS("554", "5.5.1", "Error: no valid recipients"),
    COMMAND_NOT_RECOGNIZED("502", "5.5.2", "Error: command not recognized"),
    /** smtpd_recipient_limit. */
    TOO_MANY_RECIPIENTS("452", "4.5.3", "Error: too many recipients"),
    /** message_size_limit, from the SIZE parameter of MAIL FROM. */
    SIZE_EXCEEDS_LIMIT("552", "5.3.4", "Message size exceeds fixed limit"),
    /** message_size_limit, from the data itself (cleanup's CLEANUP_STAT_SIZE). */
    MESSAGE_FILE_TOO_BIG("552", "5.3.4", "Error: message file too big"),
    /** queue_minfree. */
    INSUFFICIENT_STORAGE("452", "4.3.1", "Insufficient system storage"),
    /** The message could not be read or queued (cleanup's CLEANUP_STAT_WRITE). */
    QUEUE_FILE_WRITE_ERROR("451", "4.3.0", "Error: queue file write error"),
    /** A restriction result smtpd cannot carry out. */
    SERVER_CONFIGURATION_ERROR("451", "4.3.5", "Server configuration error"),
    /** A table lookup failed: the address or the command ({@code DATA}, {@code END-OF-MESSAGE}). */
    TEMPORARY_LOOKUP_FAILURE("451", "4.3.0", "<%s>: Temporary lookup failure"),
    /** The relay guard took back a recipient without relay permission. */
    RELAY_ACCESS_DENIED("554", "5.7.1", "<%s>: Relay access denied"),
    /** Every command after the client restrictions refused the client at connect: the client. */
    ACCESS_DENIED("503", "5.7.0", "Error: access denied for %s"),
    HELO_FIRST("503", "5.5.1", "Error: send HELO/EHLO first"),
    VRFY_DISABLED("502", "5.5.1", "VRFY command is disabled"),
    /** smtpd_tls_security_level = encrypt. */
    STARTTLS_FIRST("530", "5.7.0", "Must issue a STARTTLS command first"),
    /** Connection count or rate limit: the host name and the client's address. */
    TOO_MANY_CONNECTIONS("421", "4.7.0", "%s Error: too many connections from %s"),
    /** smtpd_client_message_rate_limit: the client's address. */
    TOO_MUCH_MAIL("450", "4.7.1", "Error: too much mail from %s"),
    /** smtpd_client_auth_rate_limit: the client's address. */
    TOO_MANY_AUTH_COMMANDS("450", "4.7.1", "Error: too many AUTH commands from %s"),
    /** smtpd_timeout: the host name. */
    TIMEOUT_EXCEEDED("421", "4.4.2", "%s Error: timeout exceeded"),
    /** A stop in progress; RFC 5321's 421 wording, as Postfix has no draining stop. */
    SHUTTING_DOWN("421", "4.3.2", "Service shutting down, closing transmission channel"),
    AUTH_NOT_ENABLED("503", "5.5.1", "Error: authentication not enabled"),
    ALREADY_AUTHENTICATED("503", "5.5.1", "Error: already authenticated"),
    AUTH_IN_TRANSACTION("503", "5.5.1", "Error: MAIL transaction in progress"),
    AUTH_SUCCESSFUL("235", "2.7.0", "Authentication successful"),
    /** The SASL server's reason. */
    AUTH_FAILED("535", "5.7.8", "Error: authentication failed: %s"),
    /** The reason the SASL server could not decide. */
    AUTH_TEMPORARY_FAILURE("454", "4.7.0", "Temporary authentication failure: %s"),
    AUTH_CANNOT_DECODE("501", "5.5.2", "Cannot decode response"),
    AUTH_SYNTAX("501", "5.5.4", "Syntax: AUTH mechanism"),
    /** The client answered a challenge with "*". */
    AUTH_ABORTED("501", "5.7.0", "Authentication aborted"),
    /** A DSN parameter of MAIL FROM or RCPT TO (RFC 3461) with bad syntax: its text. */
    BAD_DSN_PARAMETER("501", "5.5.4", "%s"),
    /** RFC 4865: HOLDFOR or HOLDUNTIL with bad syntax, or both at once: its text. */
    BAD_FUTURE_RELEASE("501", "5.5.4", "%s"),
    /** RFC 4865: a release time past the listener's limit or already past: its text. */
    FUTURE_RELEASE_OUT_OF_RANGE("554", "5.5.4", "%s"),
    /** A MAIL parameter this listener does not offer (RFC 5321 555): its name. */
    PARAMETER_NOT_OFFERED("555", "5.5.4", "Unsupported option: %s");

    private static final Pattern SLOT = Pattern.compile("%s");

    private final String code;
    private final String dsn;
    private final String text;
    private final int slots;

    FixedReply(String code, String dsn, String text) {
        this.code = code;
        this.dsn = dsn;
        this.text = text;
        this.slots = text.split("%s", -1).length - 1;
    }

    String code() {
        return code;
    }

    /** The enhanced status code, empty for a reply without one. */
    String dsn() {
        return dsn;
    }

    /** The text, with a {@code %s} for each value filled in when the reply is made. */
    String text() {
        return text;
    }

    /** What follows the code: the enhanced status code and the text with {@code values} filled in. */
    String description(Object... values) {
        String filled = filled(values);
        return dsn.isEmpty() ? filled : dsn + " " + filled;
    }

    /** The text with {@code values} in place of its {@code %s}, in order, each taken literally. */
    private String filled(Object... values) {
        if (values.length != slots) {
            throw new IllegalArgumentException(name() + " takes " + slots + " values, not " + values.length);
        }
        StringBuilder filled = new StringBuilder();
        Matcher slot = SLOT.matcher(text);
        int next = 0;
        while (slot.find()) {
            slot.appendReplacement(filled, Matcher.quoteReplacement(String.valueOf(values[next++])));
        }
        slot.appendTail(filled);
        return filled.toString();
    }

    /** The whole reply line, as the client reads it. */
    String line(Object... values) {
        return code + " " + description(values);
    }

    SMTPResponse response(Object... values) {
        return new SMTPResponse(code, description(values));
    }

    /** The reply as a hook's result: a 4xx is a temporary refusal, a 5xx a permanent one, a 2xx an acceptance. */
    HookResult hookResult(Object... values) {
        return HookResult.builder().hookReturnCode(returnCode()).smtpReturnCode(code)
            .smtpDescription(description(values)).build();
    }

    /** The reply as the restriction engine's {@link Reply}, for code that logs and answers those. */
    Reply reply(Object... values) {
        return new Reply(Integer.parseInt(code), dsn, filled(values));
    }

    private HookReturnCode returnCode() {
        return switch (code.charAt(0)) {
            case '4' -> HookReturnCode.denySoft();
            case '5' -> HookReturnCode.deny();
            default -> HookReturnCode.ok();
        };
    }
}
