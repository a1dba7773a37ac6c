package dev.postern.restrictions;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import dev.postern.address.AccessKeys;
import dev.postern.address.HostSyntax;
import dev.postern.address.ResolvedAddress;
import dev.postern.restrictions.Restriction.Kind;
import dev.postern.restrictions.Verdict.Action;
import dev.postern.restrictions.Verdict.Type;
import dev.postern.tables.LookupException;
import dev.postern.tables.LookupTable;

/**
 * One command's evaluation, after Postfix's {@code generic_checks} and {@code smtpd_check_reject}:
 * the state that lives while lists run (warn_if_reject, defer_if_permit, defer_if_reject, side
 * actions). Not thread-safe; one per command.
 */
final class Evaluation {
    static final int RECURSION_LIMIT = 100;
    /** Access-table actions that act on the message (queue file) rather than on the command. */
    private static final Set<String> MESSAGE_ACTIONS = Set.of("HOLD", "DISCARD", "FILTER", "REDIRECT", "BCC", "PREPEND");

    private enum Status { OK, DUNNO, REJECT }

    private record Outcome(Status status, Reply reply) {
        static final Outcome OK = new Outcome(Status.OK, null);
        static final Outcome DUNNO = new Outcome(Status.DUNNO, null);
    }

    /**
     * Postfix's error classes that matter here: POLICY and PROTOCOL rejections become warnings
     * under warn_if_reject, SOFTWARE and DATA (lookup) errors never do.
     */
    private enum ErrorClass { POLICY, PROTOCOL, SOFTWARE, DATA }

    /** Postfix's longjmp out of the checks: lookup failures and configuration errors. */
    private static final class Abort extends RuntimeException {
        final Reply reply;

        Abort(Reply reply) {
            super(reply.line(), null, false, false);
            this.reply = reply;
        }
    }

    private final RestrictionConfig config;
    private final SmtpState state;
    private final List<Action> actions = new ArrayList<>();
    private int recursion;
    private int warnIfReject;
    private Reply deferIfPermit;
    private Reply deferIfReject;
    private boolean discard;

    /**
     * @param carriedDeferral a {@code defer_if_permit} raised at an earlier command whose lists ran
     *                        then (smtpd_delay_reject = no); null when none
     */
    Evaluation(RestrictionConfig config, SmtpState state, Reply carriedDeferral) {
        this.config = config;
        this.state = state;
        this.deferIfPermit = carriedDeferral;
    }

    /**
     * @param settle whether a pending {@code defer_if_permit} turns an accept into its deferral now;
     *               if not, the verdict carries it to the next command
     */
    Verdict run(List<RestrictionList> lists, boolean settle) {
        Set<String> permittedBy = new HashSet<>();
        for (RestrictionList list : lists) {
            if (list.replyClass() == Stage.HELO && state.helo() == null
                    || list.replyClass() == Stage.SENDER && !state.hasSender()) {
                continue;
            }
            recursion = 0;
            warnIfReject = 0;
            deferIfReject = null;
            Outcome outcome;
            try {
                outcome = generic(list.restrictions(), list.replyClass(), replyName(list.replyClass()));
            } catch (Abort abort) {
                outcome = new Outcome(Status.REJECT, abort.reply);
            }
            if (outcome.status() == Status.REJECT) {
                return verdictFor(outcome.reply());
            }
            if (outcome.status() == Status.OK) {
                permittedBy.add(list.parameter());
            }
            if (discard) {
                break;
            }
        }
        if (!settle) {
            return new Verdict(permittedBy.isEmpty() ? Verdict.Result.DUNNO : Verdict.Result.PERMIT, null, actions,
                permittedBy, deferIfPermit);
        }
        if (deferIfPermit != null) {
            warnIfReject = 0;
            deferIfReject = null;
            Outcome deferred = reject(ErrorClass.POLICY, deferIfPermit);
            return verdictFor(deferred.reply());
        }
        return new Verdict(permittedBy.isEmpty() ? Verdict.Result.DUNNO : Verdict.Result.PERMIT, null, actions, permittedBy);
    }

    private Verdict verdictFor(Reply reply) {
        return new Verdict(reply.isPermanent() ? Verdict.Result.REJECT : Verdict.Result.DEFER, reply, actions);
    }

    // ---- generic_checks

    private Outcome generic(List<Restriction> restrictions, Stage replyClass, String replyName) {
        if (++recursion > RECURSION_LIMIT) {
            throw new Abort(configurationError());
        }
        try {
            for (Restriction restriction : restrictions) {
                if (restriction.kind() == Kind.WARN_IF_REJECT) {
                    if (warnIfReject == 0) {
                        warnIfReject = recursion;
                    }
                    continue;
                }
                Outcome outcome = check(restriction, replyClass, replyName);
                if (warnIfReject >= recursion) {
                    warnIfReject = 0;
                }
                if (outcome.status() != Status.DUNNO) {
                    return outcome;
                }
            }
            return Outcome.DUNNO;
        } finally {
            recursion--;
        }
    }

    private Outcome check(Restriction r, Stage replyClass, String replyName) {
        return switch (r.kind()) {
            case PERMIT -> Outcome.OK;
            case REJECT -> reject(ErrorClass.POLICY, config.rejectCode, "5.7.1", standard(replyName, replyClass, "Access denied"));
            case DEFER -> reject(ErrorClass.POLICY, config.deferCode, "4.3.2", standard(replyName, replyClass, "Try again later"));
            case WARN_IF_REJECT -> Outcome.DUNNO;
            case DEFER_IF_PERMIT -> {
                deferIf(true, Reply.of(450, "4.7.0", standard(replyName, replyClass, "defer_if_permit requested")));
                yield Outcome.DUNNO;
            }
            case DEFER_IF_REJECT -> {
                deferIf(false, Reply.of(450, "4.7.0", standard(replyName, replyClass, "defer_if_reject requested")));
                yield Outcome.DUNNO;
            }
            case PERMIT_MYNETWORKS -> config.mynetworks.contains(state.clientAddress()) ? Outcome.OK : Outcome.DUNNO;
            case PERMIT_SASL_AUTHENTICATED -> state.saslUsername() != null ? Outcome.OK : Outcome.DUNNO;
            case PERMIT_AUTH_DESTINATION -> state.recipient() != null && authorizedDestination() ? Outcome.OK : Outcome.DUNNO;
            case REJECT_UNAUTH_DESTINATION -> unauthDestination(config.relayCode, "5.7.1");
            case DEFER_UNAUTH_DESTINATION -> unauthDestination(config.relayCode - 100, "4.7.1");
            case REJECT_NON_FQDN_SENDER -> state.hasSender() && !state.isNullSender()
                ? nonFqdnAddress(state.sender(), Stage.SENDER) : Outcome.DUNNO;
            case REJECT_NON_FQDN_RECIPIENT -> state.recipient() != null
                ? nonFqdnAddress(state.recipient(), Stage.RECIPIENT) : Outcome.DUNNO;
            case REJECT_NON_FQDN_HELO_HOSTNAME -> nonFqdnHelo();
            case REJECT_INVALID_HELO_HOSTNAME -> invalidHelo();
            case REJECT_PLAINTEXT_SESSION -> state.tls() ? Outcome.DUNNO
                : reject(ErrorClass.POLICY, config.plaintextCode, "4.7.1", "Session encryption is required");
            case REJECT_MULTI_RECIPIENT_BOUNCE -> state.hasSender() && state.isNullSender()
                && state.recipientCount() > (state.stage() == Stage.RECIPIENT ? 0 : 1)
                ? reject(ErrorClass.POLICY, config.multiRecipientBounceCode, "5.5.3",
                    standard(replyName, replyClass, "Multi-recipient bounce"))
                : Outcome.DUNNO;
            case REJECT_UNAUTH_PIPELINING -> state.improperPipelining()
                ? reject(ErrorClass.PROTOCOL, 503, "5.5.0",
                    standard(replyName, replyClass, "Improper use of SMTP command pipelining"))
                : Outcome.DUNNO;
            case REJECT_SENDER_LOGIN_MISMATCH -> senderLogin(true, true, false);
            case REJECT_AUTHENTICATED_SENDER_LOGIN_MISMATCH -> senderLogin(true, false, false);
            case REJECT_KNOWN_SENDER_LOGIN_MISMATCH -> senderLogin(true, true, true);
            case REJECT_UNAUTHENTICATED_SENDER_LOGIN_MISMATCH -> senderLogin(false, true, false);
            case CHECK_CLIENT_ACCESS -> access(r, AccessKeys.forClient(state.clientName(), state.clientAddressText(), config.accessStyle),
                Stage.CLIENT, state.clientNameAddress());
            case CHECK_HELO_ACCESS -> state.helo() == null ? Outcome.DUNNO
                : access(r, AccessKeys.forHelo(state.helo(), config.accessStyle), Stage.HELO, state.helo());
            case CHECK_SENDER_ACCESS -> !state.hasSender() ? Outcome.DUNNO
                : access(r, AccessKeys.forAddress(state.senderAddress(), config.recipientDelimiter, config.accessStyle),
                    Stage.SENDER, state.senderAddress());
            case CHECK_RECIPIENT_ACCESS -> state.recipient() == null ? Outcome.DUNNO
                : access(r, AccessKeys.forAddress(state.recipient(), config.recipientDelimiter, config.accessStyle),
                    Stage.RECIPIENT, state.recipient().address());
            case CLASS -> generic(config.classRestrictions(r.name()), replyClass, replyName);
        };
    }

    // ---- smtpd_check_reject

    private Outcome reject(ErrorClass errorClass, int code, String dsn, String text) {
        return reject(errorClass, Reply.of(code, dsn, text));
    }

    private Outcome reject(ErrorClass errorClass, Reply built) {
        boolean warn = warnIfReject != 0 && (errorClass == ErrorClass.POLICY || errorClass == ErrorClass.PROTOCOL);
        Reply reply = built;
        if (!warn && deferIfReject != null && reply.isPermanent()) {
            Reply saved = deferIfReject;
            warnIfReject = 0;
            deferIfReject = null;
            return reject(ErrorClass.POLICY, saved);
        }
        if (config.softBounce) {
            reply = reply.softBounced();
        }
        reply = reply.consistent();
        if (warn) {
            actions.add(new Action(Type.REJECT_WARNING, reply.line()));
            return Outcome.DUNNO;
        }
        return new Outcome(Status.REJECT, reply);
    }

    /** Keeps the first reason of each kind, as Postfix does. */
    private void deferIf(boolean permit, Reply reply) {
        if (permit && deferIfPermit == null) {
            deferIfPermit = reply;
        } else if (!permit && deferIfReject == null) {
            deferIfReject = reply;
        }
    }

    private static String standard(String name, Stage replyClass, String text) {
        return "<" + name + ">: " + replyClass.replyClass() + " rejected: " + text;
    }

    private String replyName(Stage replyClass) {
        return switch (replyClass) {
            case CLIENT -> state.clientNameAddress();
            case HELO -> state.helo() == null ? "" : state.helo();
            case SENDER -> state.senderAddress();
            case RECIPIENT -> state.recipient() == null ? "" : state.recipient().address();
            case DATA -> "DATA";
            case END_OF_DATA -> "END-OF-MESSAGE";
        };
    }

    private static Reply configurationError() {
        return new Reply(451, "4.3.5", "Server configuration error");
    }

    private static Reply lookupFailure(String name) {
        return new Reply(451, "4.3.0", "<" + name + ">: Temporary lookup failure");
    }

    // ---- relay

    private boolean authorizedDestination() {
        ResolvedAddress recipient = state.recipient();
        try {
            return config.isAuthorizedDestination(recipient);
        } catch (LookupException e) {
            throw new Abort(lookupFailure(recipient.address()));
        }
    }

    private Outcome unauthDestination(int code, String dsn) {
        if (state.recipient() == null || authorizedDestination()) {
            return Outcome.DUNNO;
        }
        // Postfix's one reply without the "CLASS rejected:" part.
        return reject(ErrorClass.POLICY, code, dsn, "<" + state.recipient().address() + ">: Relay access denied");
    }

    // ---- sender login

    /**
     * Postfix's sender login checks: a logged-in client must own MAIL FROM according to
     * smtpd_sender_login_maps ({@code known}: only when the map names an owner); a client that
     * is not logged in may not use an address the map gives an owner. Login names compare
     * case-insensitively; the null sender is not checked.
     */
    private Outcome senderLogin(boolean authenticated, boolean unauthenticated, boolean known) {
        if (!state.hasSender() || state.isNullSender()) {
            return Outcome.DUNNO;
        }
        String sender = state.senderAddress();
        Optional<List<String>> owners;
        try {
            owners = config.senderLoginMaps().owners(sender);
        } catch (LookupException e) {
            throw new Abort(lookupFailure(sender));
        }
        String login = state.saslUsername();
        if (login != null && authenticated) {
            if (owners.isEmpty() ? known : owners.get().stream().anyMatch(login::equalsIgnoreCase)) {
                return Outcome.DUNNO;
            }
            return reject(ErrorClass.POLICY, 553, "5.7.1", "<" + sender + ">: Sender address rejected: not owned by user " + login);
        }
        if (login == null && unauthenticated && owners.isPresent()) {
            return reject(ErrorClass.POLICY, 553, "5.7.1", "<" + sender + ">: Sender address rejected: not logged in");
        }
        return Outcome.DUNNO;
    }

    // ---- syntax

    private Outcome nonFqdnAddress(ResolvedAddress address, Stage addressClass) {
        String given = givenAddress(address);
        int at = given.lastIndexOf('@');
        String domain = at < 0 ? "" : given.substring(at + 1);
        if (domain.startsWith("[") && domain.endsWith("]")) {
            return Outcome.DUNNO;
        }
        String test = truncateDot(domain);
        if (test.isEmpty() || !HostSyntax.isValidHostname(test) || test.indexOf('.') < 0) {
            return reject(ErrorClass.POLICY, config.nonFqdnCode, "4.5.2",
                standard(given, addressClass, "need fully-qualified address"));
        }
        return Outcome.DUNNO;
    }

    /** The address as the client gave it (before the resolver could append {@code $myorigin}), without {@code <>}. */
    private static String givenAddress(ResolvedAddress address) {
        String input = address.input() == null ? "" : address.input().trim();
        if (input.startsWith("<") && input.endsWith(">")) {
            input = input.substring(1, input.length() - 1);
        }
        int colon = input.indexOf(':');
        if (input.startsWith("@") && colon > 0) {
            input = input.substring(colon + 1); // source route @a,@b:user@dom
        }
        return input.isEmpty() ? address.address() : input;
    }

    private Outcome nonFqdnHelo() {
        String helo = state.helo();
        if (helo == null) {
            return Outcome.DUNNO;
        }
        if (helo.startsWith("[")) {
            return invalidHostAddress(helo);
        }
        String test = truncateDot(helo);
        if (!HostSyntax.isValidHostname(test) || test.indexOf('.') < 0) {
            return reject(ErrorClass.POLICY, config.nonFqdnCode, "4.5.2", standard(helo, Stage.HELO, "need fully-qualified hostname"));
        }
        return Outcome.DUNNO;
    }

    private Outcome invalidHelo() {
        String helo = state.helo();
        if (helo == null) {
            return Outcome.DUNNO;
        }
        if (helo.startsWith("[")) {
            return invalidHostAddress(helo);
        }
        String test = truncateDot(helo);
        if (!HostSyntax.isValidHostname(test) && !HostSyntax.isValidHostAddress(test)) {
            return reject(ErrorClass.POLICY, config.invalidHostnameCode, "5.5.2", standard(helo, Stage.HELO, "Invalid name"));
        }
        return Outcome.DUNNO;
    }

    private Outcome invalidHostAddress(String helo) {
        String inner = helo.startsWith("[") && helo.endsWith("]") ? helo.substring(1, helo.length() - 1) : helo;
        if (HostSyntax.mailhostAddress(inner).isEmpty()) {
            return reject(ErrorClass.POLICY, config.invalidHostnameCode, "5.5.2", standard(helo, Stage.HELO, "invalid ip address"));
        }
        return Outcome.DUNNO;
    }

    private static String truncateDot(String name) {
        return name.endsWith(".") && !name.endsWith("..") ? name.substring(0, name.length() - 1) : name;
    }

    // ---- access(5)

    private Outcome access(Restriction r, AccessKeys keys, Stage replyClass, String replyName) {
        LookupTable table = r.table();
        Optional<AccessKeys.Match> match;
        try {
            match = keys.walk(table);
        } catch (LookupException e) {
            throw new Abort(lookupFailure(replyName));
        }
        if (match.isEmpty()) {
            return Outcome.DUNNO;
        }
        return tableResult(table, match.get().value(), replyClass, replyName);
    }

    /** Postfix's {@code check_table_result}. */
    private Outcome tableResult(LookupTable table, String rawValue, Stage replyClass, String replyName) {
        String value = rawValue.trim();
        int space = 0;
        while (space < value.length() && !Character.isWhitespace(value.charAt(space))) {
            space++;
        }
        String command = value.substring(0, space).toUpperCase(Locale.ROOT);
        String text = value.substring(space).trim();
        if (MESSAGE_ACTIONS.contains(command) && !state.hasSender()) {
            // Before MAIL FROM (client and HELO lists at connect and HELO with smtpd_delay_reject =
            // no) there is no message for the action to apply to; Postfix skips it with a warning.
            actions.add(new Action(Type.SKIPPED, command));
            return Outcome.DUNNO;
        }

        switch (command) {
            case "DUNNO":
                return Outcome.DUNNO;
            case "OK":
            case "RELAY":
                return Outcome.OK;
            case "REJECT": {
                Reply reply = split(config.accessMapRejectCode, "5.7.1", text, "Access denied", replyClass, replyName);
                return reject(ErrorClass.POLICY, reply);
            }
            case "DEFER": {
                Reply reply = split(config.accessMapDeferCode, "4.7.1", text, "Access denied", replyClass, replyName);
                return reject(ErrorClass.POLICY, reply);
            }
            case "DEFER_IF_REJECT":
            case "DEFER_IF_PERMIT":
                deferIf(command.equals("DEFER_IF_PERMIT"), split(450, "4.7.1", text, "Service unavailable", replyClass, replyName));
                return Outcome.DUNNO;
            case "WARN":
                actions.add(new Action(Type.WARN, text));
                return Outcome.DUNNO;
            case "INFO":
                actions.add(new Action(Type.INFO, text));
                return Outcome.DUNNO;
            case "HOLD":
                actions.add(new Action(Type.HOLD, text));
                return Outcome.DUNNO;
            case "DISCARD":
                actions.add(new Action(Type.DISCARD, text));
                discard = true;
                return Outcome.OK;
            case "FILTER":
                if (text.indexOf(':') > 0) {
                    actions.add(new Action(Type.FILTER, text));
                }
                return Outcome.DUNNO; // Postfix warns about a FILTER without transport:destination and ignores it
            case "REDIRECT":
            case "BCC":
                if (text.indexOf('@') >= 0) {
                    actions.add(new Action(command.equals("BCC") ? Type.BCC : Type.REDIRECT, text));
                }
                return Outcome.DUNNO;
            case "PREPEND":
                if (isHeader(text)) {
                    actions.add(new Action(Type.PREPEND, text));
                }
                return Outcome.DUNNO;
            default:
                break;
        }
        if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Outcome.OK; // all digits: OK (some out-of-band authentication stores a time stamp)
        }
        if (command.length() == 3 && !text.isEmpty() && (command.charAt(0) == '4' || command.charAt(0) == '5')
                && Character.isDigit(command.charAt(1)) && Character.isDigit(command.charAt(2))) {
            int code = Integer.parseInt(command);
            return reject(ErrorClass.POLICY, split(code, command.charAt(0) + ".7.1", text, "Access denied", replyClass, replyName));
        }
        List<Restriction> restrictions;
        try {
            if (value.isEmpty()) {
                throw new IllegalArgumentException("empty value");
            }
            restrictions = RestrictionParser.parse(table.name(), value, config, true);
        } catch (IllegalArgumentException e) {
            throw new Abort(configurationError());
        }
        return generic(restrictions, replyClass, replyName);
    }

    /** {@code dsn_split}: the text may begin with its own DSN; the DSN is fixed up for the reply class. */
    private static Reply split(int code, String defaultDsn, String text, String defaultText, Stage replyClass, String replyName) {
        String dsn = defaultDsn;
        String rest = text;
        int end = 0;
        while (end < text.length() && !Character.isWhitespace(text.charAt(end))) {
            end++;
        }
        if (end > 0 && Reply.isValidDsn(text.substring(0, end))) {
            dsn = text.substring(0, end);
            rest = text.substring(end).trim();
        }
        dsn = Reply.fixDsn(dsn, replyClass);
        return Reply.of(code, dsn, standard(replyName, replyClass, rest.isEmpty() ? defaultText : rest));
    }

    /** {@code Name: value}: a header name of printable ASCII other than {@code :}, then {@code :}. */
    private static boolean isHeader(String text) {
        int colon = text.indexOf(':');
        if (colon <= 0) {
            return false;
        }
        for (int i = 0; i < colon; i++) {
            char c = text.charAt(i);
            if (c <= ' ' || c > '~') {
                return false;
            }
        }
        return true;
    }
}
