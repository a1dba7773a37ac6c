package dev.postern.restrictions;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import dev.postern.address.AccessKeys;
import dev.postern.address.HostSyntax;
import dev.postern.address.ResolvedAddress;
import dev.postern.dns.ClientHostname;
import dev.postern.dns.DnsAnswer;
import dev.postern.dns.DnsNames;
import dev.postern.dns.DnsType;
import dev.postern.policy.PolicyServiceClient;
import dev.postern.restrictions.Restriction.Kind;
import dev.postern.restrictions.Verdict.Action;
import dev.postern.restrictions.Verdict.Type;
import dev.postern.tables.LookupException;
import dev.postern.tables.LookupTable;
import dev.postern.tables.TableSearch;
import dev.postern.verify.AddressVerifier;
import dev.postern.verify.VerifyStatus;

/**
 * One command's evaluation, after Postfix's {@code generic_checks} and {@code smtpd_check_reject}:
 * the state that lives while lists run (warn_if_reject, defer_if_permit, defer_if_reject, side
 * actions). Not thread-safe; one per command.
 */
final class Evaluation {
    static final int RECURSION_LIMIT = 100;
    /** Access-table actions that act on the message (queue file) rather than on the command. */
    private static final Set<String> MESSAGE_ACTIONS = Set.of("HOLD", "DISCARD", "FILTER", "REDIRECT", "BCC", "PREPEND");

    /** The access(5) actions a policy answer is counted under; any other word counts as {@code other}. */
    private static final Set<String> POLICY_ACTIONS = Set.of("ok", "relay", "dunno", "reject", "defer", "defer_if_reject",
        "defer_if_permit", "hold", "discard", "filter", "redirect", "bcc", "prepend", "warn", "info");

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
    private final EvaluationTrace trace;
    private final List<Action> actions = new ArrayList<>();
    private int recursion;
    private int warnIfReject;
    private Reply deferIfPermit;
    private Reply deferIfReject;
    private boolean discard;
    /** The first restriction of this command that refused it, innermost in a restriction class. */
    private RejectClass rejectClass;
    private final List<Verdict.PolicyAnswer> policyAnswers = new ArrayList<>();

    /**
     * @param carriedDeferral a {@code defer_if_permit} raised at an earlier command whose lists ran
     *                        then (smtpd_delay_reject = no); null when none
     */
    Evaluation(RestrictionConfig config, SmtpState state, Reply carriedDeferral, EvaluationTrace trace) {
        this.config = config;
        this.state = state;
        this.deferIfPermit = carriedDeferral;
        this.trace = trace;
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
                trace.listSkipped(list.parameter(), "no " + (list.replyClass() == Stage.HELO ? "HELO" : "sender") + " yet");
                continue;
            }
            if (list.restrictions().isEmpty()) {
                trace.listSkipped(list.parameter(), "empty");
                // It could only answer DUNNO (the per-list state below is reset before each list
                // and after the last): skipped, so that its reply name (for the client list the
                // formatted name[address]) is not built for nothing on every command.
                continue;
            }
            recursion = 0;
            warnIfReject = 0;
            deferIfReject = null;
            Outcome outcome;
            trace.listStarts(list.parameter());
            try {
                outcome = generic(list.restrictions(), list.replyClass(), replyName(list.replyClass()));
            } catch (Abort abort) {
                outcome = new Outcome(Status.REJECT, abort.reply);
            }
            trace.listEnds(list.parameter(), describe(outcome));
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
                permittedBy, deferIfPermit, null, policyAnswers);
        }
        if (deferIfPermit != null) {
            warnIfReject = 0;
            deferIfReject = null;
            Outcome deferred = reject(ErrorClass.POLICY, deferIfPermit);
            // settled at the end: no one restriction decided
            rejectClass = RejectClass.OTHER;
            return verdictFor(deferred.reply());
        }
        return new Verdict(permittedBy.isEmpty() ? Verdict.Result.DUNNO : Verdict.Result.PERMIT, null, actions, permittedBy,
            null, null, policyAnswers);
    }

    private Verdict verdictFor(Reply reply) {
        return new Verdict(reply.isPermanent() ? Verdict.Result.REJECT : Verdict.Result.DEFER, reply, actions, Set.of(), null,
            rejectClass, policyAnswers);
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
                Outcome outcome = traced(restriction, replyClass, replyName);
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

    private Outcome traced(Restriction r, Stage replyClass, String replyName) {
        String written = r.argument() == null ? r.name() : r.name() + " " + r.argument();
        try {
            Outcome outcome = check(r, replyClass, replyName);
            trace.restriction(recursion, written, describe(outcome));
            if (outcome.status() == Status.REJECT && rejectClass == null && r.kind() != Kind.CLASS) {
                rejectClass = RejectClass.of(r.kind(), replyClass);
            }
            return outcome;
        } catch (Abort abort) {
            trace.restriction(recursion, written, abort.reply.line());
            throw abort;
        }
    }

    private static String describe(Outcome outcome) {
        return outcome.status() == Status.REJECT && outcome.reply() != null ? outcome.reply().line() : outcome.status().name();
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
            case PERMIT_MYNETWORKS -> inMynetworks() ? Outcome.OK : Outcome.DUNNO;
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
            case REJECT_UNLISTED_RECIPIENT -> state.recipient() == null ? Outcome.DUNNO
                : unlisted(state.recipient(), false, "5.1.1", "Recipient address rejected");
            case REJECT_UNLISTED_SENDER -> !state.hasSender() || state.isNullSender() ? Outcome.DUNNO
                : unlisted(state.sender(), true, "5.1.0", "Sender address rejected");
            case REJECT_UNVERIFIED_RECIPIENT -> state.recipient() == null ? Outcome.DUNNO
                : unverified(state.recipient().address(), Stage.RECIPIENT, config.unverifiedRecipient, "4.1.1");
            case REJECT_UNVERIFIED_SENDER -> !state.hasSender() || state.isNullSender()
                || state.senderAddress().equalsIgnoreCase(config.verifySender) ? Outcome.DUNNO
                : unverified(state.senderAddress(), Stage.SENDER, config.unverifiedSender, "4.1.7");
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
            case CHECK_CLIENT_MX_ACCESS, CHECK_CLIENT_NS_ACCESS, CHECK_CLIENT_A_ACCESS -> isUnknown(state.clientName())
                ? Outcome.DUNNO : serverAccess(r, state.clientName(), Stage.CLIENT, state.clientNameAddress());
            case CHECK_REVERSE_CLIENT_HOSTNAME_ACCESS -> forbidOk(r, access(r, AccessKeys.forClient(state.client().reverseName(),
                state.clientAddressText(), config.accessStyle), Stage.CLIENT, state.clientNameAddress()), state.client().reverseName());
            case CHECK_REVERSE_CLIENT_HOSTNAME_MX_ACCESS, CHECK_REVERSE_CLIENT_HOSTNAME_NS_ACCESS, CHECK_REVERSE_CLIENT_HOSTNAME_A_ACCESS ->
                isUnknown(state.client().reverseName()) ? Outcome.DUNNO
                    : serverAccess(r, state.client().reverseName(), Stage.CLIENT, state.clientNameAddress());
            case CHECK_HELO_MX_ACCESS, CHECK_HELO_NS_ACCESS, CHECK_HELO_A_ACCESS -> state.helo() == null ? Outcome.DUNNO
                : serverAccess(r, state.helo(), Stage.HELO, state.helo());
            case CHECK_SENDER_MX_ACCESS, CHECK_SENDER_NS_ACCESS, CHECK_SENDER_A_ACCESS ->
                !state.hasSender() || state.isNullSender() ? Outcome.DUNNO
                    : serverAccess(r, state.senderAddress(), Stage.SENDER, state.senderAddress());
            case CHECK_RECIPIENT_MX_ACCESS, CHECK_RECIPIENT_NS_ACCESS, CHECK_RECIPIENT_A_ACCESS -> state.recipient() == null
                ? Outcome.DUNNO : serverAccess(r, state.recipient().address(), Stage.RECIPIENT, state.recipient().address());
            case REJECT_RBL_CLIENT -> rblClient(r.dnsList());
            case PERMIT_DNSWL_CLIENT -> dnswl(r.dnsList(), findAddress(r.dnsList()), state.clientAddressText());
            case REJECT_RHSBL_CLIENT -> isUnknown(state.clientName()) ? Outcome.DUNNO
                : rhsbl(r.dnsList(), state.clientName(), Stage.CLIENT.replyClass(), Stage.CLIENT);
            case PERMIT_RHSWL_CLIENT -> isUnknown(state.clientName()) ? Outcome.DUNNO
                : dnswl(r.dnsList(), findDomain(r.dnsList(), state.clientName()), state.clientName());
            case REJECT_RHSBL_REVERSE_CLIENT -> isUnknown(state.client().reverseName()) ? Outcome.DUNNO
                : rhsbl(r.dnsList(), state.client().reverseName(), UNVERIFIED_CLIENT, Stage.CLIENT);
            case REJECT_RHSBL_HELO -> state.helo() == null ? Outcome.DUNNO
                : rhsbl(r.dnsList(), state.helo(), Stage.HELO.replyClass(), Stage.HELO);
            case REJECT_RHSBL_SENDER -> !state.hasSender() || state.isNullSender() ? Outcome.DUNNO
                : rhsbl(r.dnsList(), state.senderAddress(), Stage.SENDER.replyClass(), Stage.SENDER);
            case REJECT_RHSBL_RECIPIENT -> state.recipient() == null ? Outcome.DUNNO
                : rhsbl(r.dnsList(), state.recipient().address(), Stage.RECIPIENT.replyClass(), Stage.RECIPIENT);
            case REJECT_UNKNOWN_SENDER_DOMAIN -> !state.hasSender() || state.isNullSender() ? Outcome.DUNNO
                : unknownAddress(state.sender(), Stage.SENDER);
            case REJECT_UNKNOWN_RECIPIENT_DOMAIN -> state.recipient() == null ? Outcome.DUNNO
                : unknownAddress(state.recipient(), Stage.RECIPIENT);
            case REJECT_UNKNOWN_HELO_HOSTNAME -> state.helo() == null ? Outcome.DUNNO
                : state.helo().startsWith("[") ? invalidHostAddress(state.helo()) : unknownHelo(state.helo());
            case REJECT_UNKNOWN_CLIENT_HOSTNAME -> unknownClient();
            case REJECT_UNKNOWN_REVERSE_CLIENT_HOSTNAME -> unknownReverseClient();
            case PERMIT_MX_BACKUP -> state.recipient() == null ? Outcome.DUNNO : mxBackup(state.recipient());
            case CHECK_POLICY_SERVICE -> policyService(r, replyClass, replyName);
            case CLASS -> generic(config.classRestrictions(r.name()), replyClass, replyName);
            case DEFAULT_ACCESS -> check(r.as(defaultAccess(replyClass)), replyClass, replyName);
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

    /**
     * What a bare table means in a list of this stage, as Postfix's generic_checks decides; data
     * and end-of-data lists have none (refused when such a list is parsed; a restriction class
     * used there answers 451, as Postfix does).
     */
    private static Kind defaultAccess(Stage stage) {
        return switch (stage) {
            case CLIENT -> Kind.CHECK_CLIENT_ACCESS;
            case HELO -> Kind.CHECK_HELO_ACCESS;
            case SENDER -> Kind.CHECK_SENDER_ACCESS;
            case RECIPIENT -> Kind.CHECK_RECIPIENT_ACCESS;
            case DATA, END_OF_DATA -> throw new Abort(configurationError());
        };
    }

    // ---- relay

    /** {@code permit_mynetworks}; a table item of mynetworks that fails defers, as any lookup failure. */
    private boolean inMynetworks() {
        try {
            return config.mynetworks.contains(state.clientAddress());
        } catch (LookupException e) {
            throw new Abort(lookupFailure(state.clientNameAddress()));
        }
    }

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

    // ---- unlisted addresses

    /** An address its class's table does not list ({@link UnlistedRecipients}): {@code 550 User unknown in ...}. */
    private Outcome unlisted(ResolvedAddress address, boolean sender, String dsn, String what) {
        Optional<String> table;
        try {
            table = config.unlisted.missingFrom(address, sender);
        } catch (LookupException e) {
            throw new Abort(lookupFailure(address.address()));
        }
        if (table.isEmpty()) {
            return Outcome.DUNNO;
        }
        return reject(ErrorClass.POLICY, 550, dsn, "<" + address.address() + ">: " + what + ": User unknown in " + table.get());
    }

    // ---- address verification

    /**
     * reject_unverified_recipient/_sender, as Postfix's smtpd asks verify(8): an address being probed is
     * asked about again, up to address_verify_poll_count times address_verify_poll_delay apart; then a
     * deliverable one passes, an undeliverable one gets the reject code with the next hop's text, and one
     * still unknown or deferred gets the defer code, by the tempfail action (defer_if_permit by default).
     */
    private Outcome unverified(String address, Stage addressClass, RestrictionConfig.Unverified codes, String dsn) {
        VerifyStatus status;
        try {
            status = pollVerifier(address);
        } catch (AddressVerifier.VerifyException e) {
            return tempfail(codes.deferIfPermit(), Reply.of(450, dsn, standard(address, addressClass, "address verification problem")));
        }
        String text = codes.reason().isEmpty() ? status.text() : codes.reason();
        return switch (status.status()) {
            case DELIVERABLE -> Outcome.DUNNO;
            case UNDELIVERABLE -> reject(ErrorClass.POLICY, codes.rejectCode(), dsn,
                standard(address, addressClass, "undeliverable address: " + text));
            case DEFERRED, IN_PROGRESS -> tempfail(codes.deferIfPermit(), Reply.of(codes.deferCode(), dsn,
                standard(address, addressClass, "unverified address: " + status.text())));
        };
    }

    private VerifyStatus pollVerifier(String address) throws AddressVerifier.VerifyException {
        for (int count = 1; ; count++) {
            VerifyStatus status = config.verifier.query(address);
            if (status.status() != VerifyStatus.Status.IN_PROGRESS || count >= config.verifyPollCount) {
                return status;
            }
            try {
                Thread.sleep(config.verifyPollDelay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return status;
            }
        }
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

    // ---- DNS: client names

    private static final String UNVERIFIED_CLIENT = "Unverified Client host";

    private static boolean isUnknown(String name) {
        return name == null || name.equalsIgnoreCase(ClientHostname.UNKNOWN);
    }

    /** A temporary failure always gives 450: the name may well exist. */
    private Outcome unknownClient() {
        ClientHostname.Status status = state.client().nameStatus();
        if (status == ClientHostname.Status.OK) {
            return Outcome.DUNNO;
        }
        int code = status == ClientHostname.Status.TEMPORARY ? 450 : config.unknownClientCode;
        return reject(ErrorClass.POLICY, code, "4.7.25",
            "Client host rejected: cannot find your hostname, [" + state.clientAddressText() + "]");
    }

    private Outcome unknownReverseClient() {
        ClientHostname.Status status = state.client().reverseStatus();
        if (status == ClientHostname.Status.OK) {
            return Outcome.DUNNO;
        }
        int code = status == ClientHostname.Status.PERMANENT ? config.unknownClientCode : 450;
        return reject(ErrorClass.POLICY, code, "4.7.1",
            "Client host rejected: cannot find your reverse hostname, [" + state.clientAddressText() + "]");
    }

    // ---- DNS: names and domains that must exist

    /** Postfix's precedence of DNS results over several record types: the best one wins. */
    private enum Found { OK, RETRY, NULL_MX, NOT_FOUND }

    /** Asks for each type in turn, stopping at the first that has records (or, if asked, at a null MX). */
    private Found lookup(String name, boolean stopAtNullMx, DnsType... types) {
        Found best = Found.NOT_FOUND;
        for (DnsType type : types) {
            DnsAnswer answer = config.dns.query(name, type);
            Found found = answer.isTemporaryFailure() ? Found.RETRY
                : !answer.isFound() ? Found.NOT_FOUND
                : type == DnsType.MX && answer.isNullMx() ? Found.NULL_MX : Found.OK;
            if (found == Found.OK || found == Found.NULL_MX && stopAtNullMx) {
                return found;
            }
            if (found.ordinal() < best.ordinal()) {
                best = found;
            }
        }
        return best;
    }

    /** reject_unknown_sender_domain / _recipient_domain: no MX, A or AAAA; skipped for final destinations and literals. */
    private Outcome unknownAddress(ResolvedAddress address, Stage addressClass) {
        String name = address.address();
        int at = name.lastIndexOf('@');
        if (at < 0) {
            return Outcome.DUNNO;
        }
        String domain = name.substring(at + 1);
        try {
            if (config.classifier.classify(address).isFinalDestination()) {
                return Outcome.DUNNO;
            }
        } catch (LookupException e) {
            throw new Abort(lookupFailure(name));
        }
        if (domain.isEmpty() || domain.startsWith("[") && domain.endsWith("]")) {
            return Outcome.DUNNO;
        }
        boolean sender = addressClass == Stage.SENDER;
        String dsn = sender ? "4.1.8" : "4.1.2";
        return switch (lookup(domain, true, DnsType.MX, DnsType.A, DnsType.AAAA)) {
            case OK -> Outcome.DUNNO;
            case NULL_MX -> reject(ErrorClass.POLICY, sender ? 550 : 556, sender ? "4.7.27" : "4.1.10",
                standard(name, addressClass, "Domain " + domain + " does not accept mail (nullMX)"));
            case NOT_FOUND -> reject(ErrorClass.POLICY, config.unknownAddressCode, dsn,
                standard(name, addressClass, "Domain not found"));
            case RETRY -> tempfail(config.addressTempfailDeferIfPermit,
                Reply.of(450, dsn, standard(name, addressClass, "Domain not found")));
        };
    }

    /** reject_unknown_helo_hostname: no A, AAAA or MX (a null MX is fine: an MTA's name may have one). */
    private Outcome unknownHelo(String helo) {
        return switch (lookup(helo, false, DnsType.A, DnsType.AAAA, DnsType.MX)) {
            case OK, NULL_MX -> Outcome.DUNNO;
            case NOT_FOUND -> reject(ErrorClass.POLICY, config.unknownHostnameCode, "4.7.1",
                standard(helo, Stage.HELO, "Host not found"));
            case RETRY -> tempfail(config.heloTempfailDeferIfPermit,
                Reply.of(450, "4.7.1", standard(helo, Stage.HELO, "Host not found")));
        };
    }

    /** {@code *_tempfail_action}: defer_if_permit (unless warn_if_reject is on), or defer now. */
    private Outcome tempfail(boolean deferIfPermit, Reply reply) {
        if (deferIfPermit && warnIfReject == 0) {
            deferIf(true, reply);
            return Outcome.DUNNO;
        }
        return reject(ErrorClass.POLICY, reply);
    }

    // ---- DNS: block and allow lists

    /** What a DNS list said: listed (with the TXT reason, possibly empty), not listed, or no answer (skip). */
    private record Listing(boolean listed, boolean failed, String reason) {
        static final Listing NOT_LISTED = new Listing(false, false, "");
        static final Listing FAILED = new Listing(false, true, "");
    }

    private Listing findAddress(DnsList list) {
        return find(list, DnsNames.reversed(state.clientAddress()) + "." + list.domain());
    }

    /** RHS lists: the domain of an address or a host name; odd names are not asked about. */
    private Listing findDomain(DnsList list, String what) {
        int at = what.lastIndexOf('@');
        String domain = at < 0 ? what : what.substring(at + 1);
        if (domain.isEmpty() || domain.startsWith("[")) {
            return Listing.NOT_LISTED;
        }
        // Some lists refuse names that end in a number; Postfix does not ask them at all.
        String last = domain.substring(domain.lastIndexOf('.') + 1);
        if (last.chars().allMatch(Character::isDigit) || !HostSyntax.isValidHostname(domain)) {
            return Listing.NOT_LISTED;
        }
        return find(list, domain + "." + list.domain());
    }

    /**
     * One DNS list query: an A record (passing the filter) means listed, and its TXT records are
     * the reason. A DNS error is no answer: the check is skipped with a warning, never taken as
     * "listed" nor as a permit.
     */
    private Listing find(DnsList list, String query) {
        DnsAnswer answer = config.dns.query(query, DnsType.A);
        if (answer.isTemporaryFailure()) {
            actions.add(new Action(Type.WARNING, query + ": RBL lookup error: " + answer.reason()));
            return Listing.FAILED;
        }
        if (!answer.isFound() || answer.values().stream().noneMatch(list::matches)) {
            return Listing.NOT_LISTED;
        }
        DnsAnswer txt = config.dns.query(query, DnsType.TXT);
        String reason = txt.isFound() ? String.join(" / ", txt.values()) : "";
        return new Listing(true, false, reason.length() > RBL_TXT_LIMIT ? reason.substring(0, RBL_TXT_LIMIT) : reason);
    }

    private static final int RBL_TXT_LIMIT = 500;

    private Outcome rblClient(DnsList list) {
        Listing listing = findAddress(list);
        return listing.listed() ? rblReject(list, listing, state.clientAddressText(), Stage.CLIENT.replyClass(), Stage.CLIENT)
            : Outcome.DUNNO;
    }

    private Outcome rhsbl(DnsList list, String what, String replyClass, Stage stage) {
        Listing listing = findDomain(list, what);
        return listing.listed() ? rblReject(list, listing, what, replyClass, stage) : Outcome.DUNNO;
    }

    /**
     * permit_dnswl_client, permit_rhswl_client: listed is OK, except for a recipient this server
     * would not relay to (an allow list never opens the relay). No answer defers a later reject.
     */
    private Outcome dnswl(DnsList list, Listing listing, String what) {
        if (state.stage() == Stage.RECIPIENT && state.recipient() != null && !authorizedDestination()) {
            return Outcome.DUNNO;
        }
        if (listing.failed()) {
            deferIf(false, Reply.of(450, "4.7.1", standard(what, Stage.CLIENT, "Service unavailable")));
            return Outcome.DUNNO;
        }
        return listing.listed() ? Outcome.OK : Outcome.DUNNO;
    }

    /** The reply of a listed client or domain: rbl_reply_maps or default_rbl_reply, expanded. */
    private Outcome rblReject(DnsList list, Listing listing, String what, String replyClass, Stage stage) {
        String template;
        try {
            template = config.rblReplyMaps.find(list.argument()).map(TableSearch.Hit::value).orElse(null);
        } catch (LookupException e) {
            throw new Abort(configurationError());
        }
        String reply = null;
        if (template != null) {
            try {
                reply = ReplyTemplate.expand(template, name -> rblName(name, list, listing, what, replyClass));
            } catch (IllegalArgumentException e) {
                actions.add(new Action(Type.WARNING, "bad rbl reply template for domain " + list.argument() + ": " + template));
            }
        }
        if (reply == null) {
            reply = ReplyTemplate.expand(config.defaultRblReply, name -> rblName(name, list, listing, what, replyClass));
        }
        if (!reply.matches("[45][0-9][0-9] .*")) {
            actions.add(new Action(Type.WARNING, "rbl response code configuration error: " + reply));
            return reject(ErrorClass.POLICY, 450, "4.7.1", "Service unavailable");
        }
        String rest = reply.substring(4);
        String dsn = "4.7.1";
        int space = rest.indexOf(' ');
        String first = space < 0 ? rest : rest.substring(0, space);
        if (Reply.isValidDsn(first)) {
            dsn = first;
            rest = space < 0 ? "" : rest.substring(space + 1).trim();
        }
        return reject(ErrorClass.POLICY, Integer.parseInt(reply.substring(0, 3)), Reply.fixDsn(dsn, stage),
            rest.isEmpty() ? "Service unavailable" : rest);
    }

    private String rblName(String name, DnsList list, Listing listing, String what, String replyClass) {
        return switch (name) {
            case "rbl_code" -> Integer.toString(config.mapsRblCode);
            case "rbl_domain" -> list.domain();
            case "rbl_reason", "rbl_txt" -> listing.reason();
            case "rbl_what" -> what;
            case "rbl_class" -> replyClass;
            case "client_address" -> state.clientAddressText();
            case "client_name" -> state.clientName();
            case "reverse_client_name" -> state.client().reverseName();
            case "helo_name" -> state.helo() == null ? "" : state.helo();
            case "sender" -> state.senderAddress();
            case "recipient" -> state.recipient() == null ? "" : state.recipient().address();
            default -> null;
        };
    }

    // ---- DNS: check_*_{mx,ns,a}_access

    /**
     * Postfix's {@code check_server_access}: the table is asked about the name's MX hosts (the
     * domain itself when it has none; nothing for a null MX), NS hosts (of the nearest parent
     * that has some) or, for A, the name's own addresses: each host name (not for A), then each
     * of its addresses. The first entry found decides, DUNNO included. An OK is refused: DNS
     * data is the client's to choose, so it may reject but never permit.
     */
    private Outcome serverAccess(Restriction r, String name, Stage replyClass, String replyName) {
        DnsType type = r.kind().name().endsWith("_MX_ACCESS") ? DnsType.MX
            : r.kind().name().endsWith("_NS_ACCESS") ? DnsType.NS : DnsType.A;
        int at = name.lastIndexOf('@');
        String domain = at < 0 ? name : name.substring(at + 1);
        if (domain.startsWith("[")) {
            // An address literal is its own MX host; it has no NS.
            Optional<String> address = type == DnsType.NS || !domain.endsWith("]") ? Optional.empty()
                : HostSyntax.mailhostAddress(domain.substring(1, domain.length() - 1));
            return address.map(a -> serverEntry(r, AccessKeys.forHostAddress(a), replyClass, replyName)
                .map(o -> forbidOk(r, o, name)).orElse(Outcome.DUNNO)).orElse(Outcome.DUNNO);
        }
        List<String> servers = type == DnsType.A ? List.of(domain) : serverNames(domain, type);
        for (String server : servers) {
            Optional<Outcome> decided = serverHost(r, server, type, replyClass, replyName);
            if (decided.isPresent()) {
                return forbidOk(r, decided.get(), name);
            }
        }
        return Outcome.DUNNO;
    }

    private List<String> serverNames(String domain, DnsType type) {
        String looked = domain;
        DnsAnswer answer = config.dns.query(domain, type);
        if (type == DnsType.MX && answer.isNullMx()) {
            return List.of();
        }
        if (answer.isNotFound() && type == DnsType.MX) {
            return List.of(domain);
        }
        while (answer.isNotFound() && type == DnsType.NS && looked.indexOf('.') >= 0
                && looked.indexOf('.') + 1 < looked.length()) {
            looked = looked.substring(looked.indexOf('.') + 1);
            answer = config.dns.query(looked, type);
        }
        if (!answer.isFound()) {
            actions.add(new Action(Type.WARNING, "Unable to look up " + type + " host for " + looked + ": " + answer.reason()));
            return List.of();
        }
        return answer.values().stream().filter(v -> !v.isEmpty()).toList();
    }

    /** One MX/NS/A host: its name (MX, NS), then its addresses; empty when the table has no entry for any. */
    private Optional<Outcome> serverHost(Restriction r, String server, DnsType type, Stage replyClass, String replyName) {
        if (HostSyntax.isValidHostAddress(server)) {
            return serverEntry(r, AccessKeys.forHostAddress(server), replyClass, replyName);
        }
        if (type != DnsType.A) {
            Optional<Outcome> byName = serverEntry(r, AccessKeys.forHelo(server, config.accessStyle), replyClass, replyName);
            if (byName.isPresent()) {
                return byName;
            }
        }
        DnsAnswer v4 = config.dns.query(server, DnsType.A);
        DnsAnswer v6 = config.dns.query(server, DnsType.AAAA);
        if (!v4.isFound() && !v6.isFound()) {
            if (type != DnsType.A) {
                actions.add(new Action(Type.WARNING, "Unable to look up " + type + " host " + server + " for "
                    + replyClass.replyClass() + " " + replyName + ": " + (v4.isTemporaryFailure() ? v4 : v6).reason()));
            }
            return Optional.empty();
        }
        List<String> addresses = new ArrayList<>(v4.isFound() ? v4.values() : List.of());
        addresses.addAll(v6.isFound() ? v6.values() : List.of());
        for (String address : addresses) {
            Optional<Outcome> byAddress = serverEntry(r, AccessKeys.forHostAddress(address), replyClass, replyName);
            if (byAddress.isPresent()) {
                return byAddress;
            }
        }
        return Optional.empty();
    }

    private Optional<Outcome> serverEntry(Restriction r, AccessKeys keys, Stage replyClass, String replyName) {
        Optional<TableSearch.Hit> match;
        try {
            match = keys.find(r.search());
        } catch (LookupException e) {
            throw new Abort(lookupFailure(replyName));
        }
        match.ifPresent(hit -> traceHit(r, hit));
        return match.map(m -> tableResult(r.table(), m.value(), replyClass, replyName));
    }

    /** Postfix's {@code forbid_allowlist}: an OK from these tables is a configuration error (DISCARD aside). */
    private Outcome forbidOk(Restriction r, Outcome outcome, String target) {
        if (outcome.status() == Status.OK && !discard) {
            actions.add(new Action(Type.WARNING, "restriction " + r.name() + " returns OK for " + target));
            actions.add(new Action(Type.WARNING, "this is not allowed for security reasons"));
            actions.add(new Action(Type.WARNING, "use DUNNO instead of OK if you want to make an exception"));
            throw new Abort(configurationError());
        }
        return outcome;
    }

    // ---- permit_mx_backup

    /**
     * Postfix's permit_mx_backup: OK for an authorized destination, and for a domain that lists
     * this server among its MX hosts but not among the primary ones (those of the lowest
     * preference: a primary is an authorized destination or nothing); with
     * permit_mx_backup_networks, only when every address of every primary MX host is in those
     * networks. A failed MX lookup is a defer_if_reject (450 4.4.4), a failed host lookup a
     * defer_if_permit: never a permit on incomplete data.
     */
    private Outcome mxBackup(ResolvedAddress recipient) {
        if (authorizedDestination()) {
            return Outcome.OK;
        }
        String address = recipient.address();
        int at = address.lastIndexOf('@');
        String domain = address.substring(at + 1);
        if (!config.allowUntrustedRouting && recipient.isRouted() || domain.startsWith("[")) {
            return Outcome.DUNNO;
        }
        DnsAnswer mx = config.dns.query(domain, DnsType.MX);
        if (mx.isTemporaryFailure()) {
            deferIf(false, Reply.of(450, "4.4.4", standard(address, Stage.RECIPIENT,
                "Unable to look up mail exchanger information: " + mx.reason())));
            return Outcome.DUNNO;
        }
        if (!mx.isFound() || mx.isNullMx()) {
            return Outcome.DUNNO;
        }
        List<String> primaries = mx.primaryMx();
        List<String> backups = mx.values().subList(primaries.size(), mx.values().size());
        if (includesThisServer(primaries, address) || !includesThisServer(backups, address)) {
            return Outcome.DUNNO;
        }
        if (config.mxBackupNetworks != null && !inMxBackupNetworks(primaries, address)) {
            return Outcome.DUNNO;
        }
        return Outcome.OK;
    }

    /** Postfix's i_am_mx: a host named $myhostname, or one with an address of this server. */
    private boolean includesThisServer(List<String> hosts, String recipient) {
        for (String host : hosts) {
            if (host.equalsIgnoreCase(config.myhostname)) {
                return true;
            }
            Optional<List<InetAddress>> addresses = mxHostAddresses(host);
            if (addresses.isEmpty()) {
                // Not known to be this server: a permit that follows is deferred.
                deferIf(true, Reply.of(450, "4.4.4", standard(recipient, Stage.RECIPIENT,
                    "Unable to look up host " + host + " as mail exchanger")));
                continue;
            }
            for (InetAddress a : addresses.get()) {
                if (config.classifier.isOwnAddress(a)) {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean inMxBackupNetworks(List<String> primaries, String recipient) {
        for (String host : primaries) {
            Optional<List<InetAddress>> addresses = mxHostAddresses(host);
            if (addresses.isEmpty()) {
                deferIf(false, Reply.of(450, "4.4.4", standard(recipient, Stage.RECIPIENT,
                    "Unable to look up host " + host + " as mail exchanger")));
                return false;
            }
            if (addresses.get().isEmpty()) {
                return false;
            }
            for (InetAddress a : addresses.get()) {
                try {
                    if (!config.mxBackupNetworks.contains(a)) {
                        return false;
                    }
                } catch (LookupException e) {
                    throw new Abort(lookupFailure(recipient));
                }
            }
        }
        return true;
    }

    /** The A and AAAA addresses of an MX host; empty when a lookup failed temporarily. */
    private Optional<List<InetAddress>> mxHostAddresses(String host) {
        if (HostSyntax.isValidHostAddress(host)) {
            return Optional.of(List.of(numeric(host)));
        }
        DnsAnswer v4 = config.dns.query(host, DnsType.A);
        DnsAnswer v6 = config.dns.query(host, DnsType.AAAA);
        if (v4.isTemporaryFailure() || v6.isTemporaryFailure()) {
            return Optional.empty();
        }
        List<InetAddress> addresses = new ArrayList<>();
        for (DnsAnswer answer : List.of(v4, v6)) {
            if (answer.isFound()) {
                answer.values().stream().filter(HostSyntax::isValidHostAddress).map(Evaluation::numeric).forEach(addresses::add);
            }
        }
        return Optional.of(List.copyOf(addresses));
    }

    private static InetAddress numeric(String address) {
        try {
            return InetAddress.getByName(address);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("not a numeric address: " + address, e);
        }
    }

    // ---- access(5)

    private Outcome access(Restriction r, AccessKeys keys, Stage replyClass, String replyName) {
        LookupTable table = r.table();
        Optional<TableSearch.Hit> match;
        try {
            match = keys.walk(r.search());
        } catch (LookupException e) {
            throw new Abort(lookupFailure(replyName));
        }
        if (match.isEmpty()) {
            return Outcome.DUNNO;
        }
        traceHit(r, match.get());
        return tableResult(table, match.get().value(), replyClass, replyName);
    }

    private void traceHit(Restriction r, TableSearch.Hit hit) {
        trace.tableHit(r.name(), hit.table().name(), hit.key().text(), hit.value());
    }

    // ---- check_policy_service

    /**
     * Asks the policy server about this command; its answer acts as an access table's value
     * would. A server that does not answer (after its try limit) gets its default action, with
     * Postfix's warning naming the server.
     */
    private Outcome policyService(Restriction r, Stage replyClass, String replyName) {
        PolicyServiceClient client = r.policy();
        PolicyServiceClient.Answer answer = client.ask(PolicyRequest.attributes(state, client.settings().policyContext(), config));
        answer.warnings().forEach(warning -> actions.add(new Action(Type.WARNING, warning)));
        String action = answer.failed() ? client.settings().defaultAction() : answer.action();
        policyAnswers.add(new Verdict.PolicyAnswer(client.address().spec(), actionWord(action)));
        trace.tableHit(r.name(), client.address().spec(), PolicyRequest.protocolState(state), action);
        return tableResult(client.address().serverName(), action, replyClass, replyName);
    }

    /**
     * A policy answer's action for the metrics: its first word in lower case, {@code 4xx}/{@code 5xx}
     * for a reply code, {@code other} for a word access(5) does not know (a bounded label).
     */
    private static String actionWord(String value) {
        String word = value.strip().split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
        if (word.matches("[45]\\d\\d")) {
            return word.charAt(0) + "xx";
        }
        return POLICY_ACTIONS.contains(word) ? word : "other";
    }

    private Outcome tableResult(LookupTable table, String rawValue, Stage replyClass, String replyName) {
        return tableResult(table.name(), rawValue, replyClass, replyName);
    }

    /**
     * Postfix's {@code check_table_result}.
     *
     * @param source the table, or the policy server, whose answer this is (for warnings)
     */
    private Outcome tableResult(String source, String rawValue, Stage replyClass, String replyName) {
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
                // Postfix ignores a FILTER that names no transport:destination, with a warning.
                if (text.isEmpty()) {
                    actions.add(new Action(Type.WARNING, "access table " + source + " entry \"" + rawValue
                        + "\" has FILTER entry without value"));
                } else if (text.indexOf(':') < 0) {
                    actions.add(new Action(Type.WARNING, "access table " + source + " entry \"" + rawValue
                        + "\" requires transport:destination"));
                } else {
                    actions.add(new Action(Type.FILTER, text));
                }
                return Outcome.DUNNO;
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
            restrictions = RestrictionParser.parse(source, value, config, true);
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
