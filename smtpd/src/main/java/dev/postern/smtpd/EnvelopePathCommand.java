package dev.postern.smtpd;

import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

import org.apache.james.core.MailAddress;
import org.apache.james.protocols.api.Response;

import dev.postern.address.EnvelopePath;

/**
 * What MAIL and RCPT share in turning the one reading of a path ({@link CommandArguments})
 * into James's address: the argument James is given is rebuilt from that reading, so James
 * parses nothing the client wrote, and the address James makes of it must be that reading
 * ({@link EnvelopePath#readsAs}) or the command is refused.
 *
 * @param keyword     {@code FROM} or {@code TO}
 * @param syntaxError Postfix's reply to a path that cannot be read
 */
record EnvelopePathCommand(String keyword, Response syntaxError, boolean nullPathAllowed) {
    static final EnvelopePathCommand MAIL =
        new EnvelopePathCommand("FROM", FixedReply.BAD_SENDER_SYNTAX.response().immutable(), true);
    static final EnvelopePathCommand RCPT =
        new EnvelopePathCommand("TO", FixedReply.BAD_RECIPIENT_SYNTAX.response().immutable(), false);

    /**
     * What one of James's MAIL/RCPT handlers offers.
     *
     * @param filter James's {@code doFilterChecks} on an argument (null: James's checks on no argument at all)
     * @param parsed the address James stored for the command, if any
     * @param forget takes James's stored address back, when the command is refused after all
     */
    record JamesHandler(Function<String, Response> filter, Supplier<Optional<MailAddress>> parsed, Runnable forget) {
    }

    /**
     * The filter checks of MAIL or RCPT from the one reading of the path: a path that could not
     * be read gets James's sequence or usage reply if there is one, else Postfix's syntax error;
     * otherwise James reads the argument rebuilt from the reading, and its address must be the reading.
     *
     * @param reading  {@link CommandArguments}'s reading of this command, if any
     * @param myorigin what an unqualified address is qualified with
     */
    Response filter(Optional<CommandArguments.Reading> reading, String myorigin, JamesHandler james) {
        Optional<EnvelopePath> path = reading.flatMap(CommandArguments.Reading::path);
        if (path.isEmpty() || (path.get().isNull() && !nullPathAllowed)) {
            Response sequence = james.filter().apply(null);
            boolean usage = reading.flatMap(CommandArguments.Reading::error).map(EnvelopePath.SyntaxException::isUsage)
                .orElse(false);
            return isSequenceError(sequence) || usage ? sequence : syntaxError;
        }
        String mailbox = path.get().qualified(myorigin);
        Response response = james.filter().apply(argument(mailbox, path.get()));
        if (response != null || path.get().isNull()) {
            return response;
        }
        Optional<Response> disagreement = disagreement(mailbox, james.parsed().get().orElse(null));
        disagreement.ifPresent(refused -> james.forget().run());
        return disagreement.orElse(null);
    }

    /**
     * James's command argument for {@code mailbox}: {@code KEYWORD:<mailbox> parameters}, the
     * parameters as the client sent them (James's parameter hooks read them).
     */
    String argument(String mailbox, EnvelopePath path) {
        String bracketed = keyword + ":<" + mailbox + ">";
        return path.parameters().isEmpty() ? bracketed : bracketed + " " + path.parameters();
    }

    /**
     * The reply when James's handler gave no error but its address is not the reading: never
     * expected, as the argument James read was built from the reading; if James ever reads it
     * otherwise, the command is refused instead of carrying two addresses.
     */
    Optional<Response> disagreement(String mailbox, MailAddress parsed) {
        return EnvelopePath.readsAs(mailbox, parsed) ? Optional.empty() : Optional.of(syntaxError);
    }

    /** A sequence error of James's (503, e.g. no MAIL before RCPT) comes before a syntax error, as in Postfix. */
    static boolean isSequenceError(Response response) {
        return response != null && response.getRetCode().equals("503");
    }
}
