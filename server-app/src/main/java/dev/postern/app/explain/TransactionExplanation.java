package dev.postern.app.explain;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

import javax.mail.internet.AddressException;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;

import dev.postern.address.ResolvedAddress;
import dev.postern.delivery.route.RecipientRoute;
import dev.postern.qmgr.MessageDelivery;
import dev.postern.dns.ClientHostname;
import dev.postern.restrictions.Reply;
import dev.postern.restrictions.RestrictionList;
import dev.postern.restrictions.SmtpState;
import dev.postern.restrictions.Verdict;
import dev.postern.rewrite.AddressKind;
import dev.postern.rewrite.Addresses;
import dev.postern.rewrite.VirtualAliasExpander;
import dev.postern.smtpd.RcptReplies;
import dev.postern.smtpd.SmtpdPolicy;
import dev.postern.tables.LookupException;

/**
 * Walks one hypothetical transaction through the server's parts and writes what each step decides:
 * with {@code smtpd_delay_reject = no} the client list at connect, the HELO list at HELO and the
 * sender list at MAIL FROM; then for each RCPT TO the restriction lists as the RCPT hook evaluates
 * them, the unlisted-recipient check, the relay decision of the relay guard, and for an accepted
 * recipient its rewriting (canonical maps, virtual aliases) and its route (address class,
 * transport, next hop).
 */
final class TransactionExplanation {
    private static final String ACCEPTED = "250 2.1.5 Ok";

    private final ServerParts parts;
    private final OfflineDns dns;
    private final PrintStream out;
    private boolean neededDns;
    private final MessageDecisions decisions = new MessageDecisions();
    /** The envelope sender after cleanup's rewriting, for the sender-dependent routing. */
    private MaybeSender routingSender = MaybeSender.nullSender();

    TransactionExplanation(ServerParts parts, OfflineDns dns, PrintStream out) {
        this.parts = parts;
        this.dns = dns;
        this.out = out;
    }

    /** @return the exit status of {@link ExplainCommand} */
    int explain(ExplainOptions options) {
        SmtpdPolicy policy = parts.policy();
        ClientHostname hostname = ClientHostname.ofName(options.clientName().orElse(null));
        String helo = options.helo().orElse(null);
        // without smtpd_sasl_auth_enable AUTH is refused, and the client goes on without a login
        String login = options.sasl().filter(name -> parts.saslEnabled()).orElse(null);
        boolean tls = parts.tls().encrypted(login != null);
        // the session as the hooks see it; a client of explain does not pipeline improperly
        SmtpState client = SmtpdPolicy.clientState(hostname, options.client(), helo, login, tls, false);
        header(options, client, policy);

        ResolvedAddress sender;
        try {
            sender = policy.resolver().resolveSender("<" + options.sender() + ">");
        } catch (LookupException e) {
            return refused(options, e.getMessage(), RcptReplies.temporaryLookupFailure(options.sender()));
        }
        MaybeSender mailFrom;
        try {
            // James parses the path before any hook runs; a path it cannot read is refused there
            mailFrom = options.sender().isEmpty() ? MaybeSender.nullSender() : MaybeSender.of(new MailAddress(options.sender()));
        } catch (AddressException e) {
            return refused(options, e.getMessage(), RcptReplies.badSenderSyntax());
        }
        if (sender.isError()) {
            return refused(options, sender.reason(), RcptReplies.badSenderSyntax());
        }
        Reply pending = null;
        if (!policy.delayReject()) {
            EarlyStages early = earlyStages(policy, hostname, options, client, sender);
            if (early.refusal().isPresent()) {
                return finish(0, options.recipients().size());
            }
            pending = early.pending();
        }
        routingSender = rewrittenSender(mailFrom);
        int accepted = 0;
        for (String recipient : options.recipients()) {
            if (recipient(recipient, client, sender, mailFrom, accepted, pending)) {
                accepted++;
            }
        }
        return finish(accepted, options.recipients().size());
    }

    private void header(ExplainOptions options, SmtpState client, SmtpdPolicy policy) {
        out.println("listener " + parts.listener() + " (smtpd_delay_reject = " + (policy.delayReject() ? "yes" : "no") + ")");
        out.println("client " + client.clientNameAddress() + (options.clientName().isPresent() ? ""
            : " (no --client-name: taken as an address without a name in DNS)"));
        out.println("helo " + options.helo().map(name -> "<" + name + ">").orElse("none"));
        out.println("sasl login " + options.sasl().map(name -> parts.saslEnabled() ? name
            : "none (AUTH as " + name + " is refused: smtpd_sasl_auth_enable = no on this listener)").orElse("none"));
        out.println("tls " + parts.tls().describe(client.saslUsername() != null));
    }

    /** The outcome of the stages before RCPT with smtpd_delay_reject = no. */
    private record EarlyStages(Optional<String> refusal, Reply pending) {
    }

    /**
     * {@code smtpd_delay_reject = no}: the client list at connect, the HELO list at HELO (when the
     * client says HELO) and the sender list at MAIL FROM, each of which can refuse its command; a
     * {@code defer_if_permit} is carried to the next stage, as the hooks carry it.
     */
    private EarlyStages earlyStages(SmtpdPolicy policy, ClientHostname hostname, ExplainOptions options, SmtpState client,
                                    ResolvedAddress sender) {
        SmtpState connect = SmtpdPolicy.clientState(hostname, options.client(), null, null,
            parts.tls().wrapperMode(), false);
        out.println("CONNECT from " + connect.clientNameAddress());
        Verdict verdict = early(connect, policy.clientList(), null);
        if (verdict.reply() != null) {
            return new EarlyStages(Optional.of(verdict.reply().line()), null);
        }
        Reply pending = verdict.pendingDeferral();
        if (options.helo().isPresent()) {
            out.println("HELO " + options.helo().get());
            verdict = early(SmtpdPolicy.clientState(hostname, options.client(), options.helo().get(), null,
                    client.tls(), false),
                policy.heloList(), pending);
            if (verdict.reply() != null) {
                return new EarlyStages(Optional.of(verdict.reply().line()), null);
            }
            pending = verdict.pendingDeferral();
        }
        out.println("MAIL FROM:<" + options.sender() + ">");
        verdict = early(client.withSender(sender), policy.senderList(), pending);
        if (verdict.reply() != null) {
            return new EarlyStages(Optional.of(verdict.reply().line()), null);
        }
        decisions.record(verdict);
        return new EarlyStages(Optional.empty(), verdict.pendingDeferral());
    }

    private Verdict early(SmtpState state, RestrictionList list, Reply pending) {
        TracePrinter trace = new TracePrinter(out, "  ", dns);
        Verdict verdict = RestrictionList.evaluateEarly(state, List.of(list), pending, trace);
        neededDns |= trace.neededDns();
        actions(verdict);
        if (verdict.reply() != null) {
            result(verdict.reply().line());
        } else if (verdict.pendingDeferral() != null) {
            out.println("  pending until RCPT: " + verdict.pendingDeferral().line());
        }
        return verdict;
    }

    /** One RCPT TO, as the RCPT hooks and the relay guard judge it; then its route. @return whether it is accepted */
    private boolean recipient(String recipient, SmtpState client, ResolvedAddress sender, MaybeSender mailFrom, int accepted,
                              Reply pending) {
        out.println("RCPT TO:<" + recipient + ">");
        SmtpdPolicy policy = parts.policy();
        MailAddress address;
        ResolvedAddress resolved;
        try {
            // James parses the path before any hook runs; a path it cannot read is refused there
            address = new MailAddress(recipient);
            resolved = policy.resolver().resolveRecipient("<" + recipient + ">");
        } catch (AddressException e) {
            return result(RcptReplies.badRecipientSyntax());
        } catch (LookupException e) {
            out.println("  " + e.getMessage());
            return result(RcptReplies.temporaryLookupFailure(recipient));
        }
        if (resolved.isError()) {
            return result(RcptReplies.badRecipientSyntax());
        }
        TracePrinter trace = new TracePrinter(out, "  ", dns);
        Verdict verdict = RestrictionList.evaluateAll(SmtpdPolicy.rcptState(client, sender, resolved, accepted),
            policy.rcptLists(), policy.delayReject() ? null : pending, trace);
        neededDns |= trace.neededDns();
        actions(verdict);
        if (verdict.reply() != null) {
            return result(verdict.reply().line());
        }
        Optional<String> unlisted = unlisted(mailFrom, address);
        if (unlisted.isPresent()) {
            return result(unlisted.get());
        }
        if (!relay(policy, verdict, resolved)) {
            return result(RcptReplies.relayAccessDenied(recipient));
        }
        result(ACCEPTED);
        decisions.record(verdict);
        route(address);
        return true;
    }

    /** Postfix's implicit reject_unlisted_recipient (and _sender), which the local recipient hook makes. */
    private Optional<String> unlisted(MaybeSender sender, MailAddress recipient) {
        String name = parts.unlisted().senders() ? "smtpd_reject_unlisted_sender, smtpd_reject_unlisted_recipient"
            : "smtpd_reject_unlisted_recipient";
        if (!parts.unlisted().senders() && !parts.unlisted().recipients()) {
            return Optional.empty();
        }
        Optional<String> refusal;
        try {
            refusal = parts.unlisted().refusal(sender, recipient);
        } catch (LookupException e) {
            out.println("  " + name + " -> " + e.getMessage());
            return Optional.of(RcptReplies.temporaryLookupFailure(recipient.asString()));
        }
        out.println("  " + name + " -> " + refusal.orElse("DUNNO"));
        return refusal;
    }

    /**
     * The relay guard's decision: an explicit permit of the relay or recipient list, a DISCARD, or a
     * destination that needs no permission ({@link SmtpdPolicy#covers}).
     */
    private boolean relay(SmtpdPolicy policy, Verdict verdict, ResolvedAddress recipient) {
        Optional<String> permittedBy = policy.relayLists().stream().map(RestrictionList::parameter)
            .filter(verdict.permittedBy()::contains).findFirst();
        boolean covered = policy.covers(verdict, recipient);
        if (permittedBy.isPresent()) {
            out.println("  relay: permitted by " + permittedBy.get());
        } else if (verdict.isDiscard()) {
            out.println("  relay: not needed (DISCARD)");
        } else if (covered) {
            out.println("  relay: not needed (" + recipient.domain() + " is a destination of this server or relay_domains)");
        } else {
            out.println("  relay: denied (no relay or recipient restriction permitted it, and "
                + recipient.domain() + " is not a destination of this server or relay_domains)");
        }
        return covered;
    }

    /** Side effects of the verdict, as smtpd logs or records them. */
    private void actions(Verdict verdict) {
        for (Verdict.Action action : verdict.actions()) {
            String text = action.text().isEmpty() ? "" : " " + action.text();
            if (action.type() == Verdict.Type.WARNING) {
                out.println("  warning:" + text);
            } else {
                out.println("  action: " + action.type().name().toLowerCase(Locale.ROOT).replace('_', ' ') + text);
            }
        }
    }

    /**
     * Where an accepted recipient goes: cleanup's rewriting (recipient_canonical_maps, canonical_maps,
     * masquerading), virtual alias expansion, then the queue manager's route of each address.
     */
    private void route(MailAddress recipient) {
        try {
            String internal = Addresses.internal(recipient.asString());
            String canonical = parts.rewriter().rewrites(AddressKind.ENVELOPE_RECIPIENT)
                ? parts.rewriter().rewrite(internal, AddressKind.ENVELOPE_RECIPIENT) : internal;
            if (!canonical.equals(internal)) {
                out.println("  rewritten (recipient_canonical_maps, canonical_maps, masquerade_domains): <"
                    + Addresses.external(internal) + "> -> <" + Addresses.external(canonical) + ">");
            }
            List<String> expanded = parts.aliases().isEmpty() ? List.of(canonical) : parts.aliases().expand(canonical);
            if (!expanded.equals(List.of(canonical))) {
                out.println("  virtual_alias_maps: <" + Addresses.external(canonical) + "> -> "
                    + expanded.stream().map(a -> "<" + Addresses.external(a) + ">").collect(Collectors.joining(", ")));
            }
            for (String address : expanded) {
                String external = Addresses.external(address);
                RecipientRoute route = parts.routes().resolve(new MailAddress(external), routingSender);
                out.println("  route <" + external + ">: class " + className(route) + ", transport "
                    + route.route().transport() + ", nexthop " + route.route().nexthop());
            }
        } catch (LookupException | VirtualAliasExpander.ExpansionException e) {
            out.println("  route: not known: " + e.getMessage() + " (the message would wait in the queue)");
        } catch (AddressException e) {
            out.println("  route: not known: the rewritten address is not valid: " + e.getMessage());
        }
    }

    private static String className(RecipientRoute route) {
        return route.addressClass().name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    /** The envelope sender as the queue manager sees it: after sender_canonical_maps and canonical_maps. */
    private MaybeSender rewrittenSender(MaybeSender sender) {
        if (sender.isNullSender() || !parts.rewriter().rewrites(AddressKind.ENVELOPE_SENDER)) {
            return sender;
        }
        String written = sender.get().asString();
        try {
            String internal = Addresses.internal(written);
            String rewritten = parts.rewriter().rewrite(internal, AddressKind.ENVELOPE_SENDER);
            if (rewritten.equals(internal)) {
                return sender;
            }
            out.println("sender rewritten (sender_canonical_maps, canonical_maps, masquerade_domains): <" + written
                + "> -> <" + Addresses.external(rewritten) + ">");
            return MaybeSender.of(new MailAddress(Addresses.external(rewritten)));
        } catch (AddressException | LookupException e) {
            out.println("sender: not rewritten: " + e.getMessage());
            return sender;
        }
    }

    /**
     * What the actions of the accepted commands do to the whole message, in the order the pipeline
     * carries them out: DISCARD and HOLD first, then REDIRECT and BCC (which change the recipients
     * before they are rewritten and routed), then FILTER in the queue manager.
     */
    private void message() {
        if (decisions.discard().isPresent()) {
            out.println("message: DISCARD " + decisions.discard().get() + ": accepted, then dropped without delivery");
            return;
        }
        decisions.hold().ifPresent(reason -> out.println("message: HOLD " + reason
            + ": kept in the hold queue until released; then:"));
        decisions.redirect().ifPresent(address -> {
            out.println("message: REDIRECT " + address + " replaces every recipient above");
            routeAction(address);
        });
        for (String address : decisions.bcc()) {
            out.println("message: BCC " + address + " adds a recipient");
            routeAction(address);
        }
        decisions.filter().ifPresent(chosen -> out.println(MessageDelivery.filterRoute(chosen)
            .map(route -> "content filter: FILTER " + chosen + " sends the message, all recipients together,"
                + " to transport " + route.transport() + ", nexthop " + route.nexthop() + " instead of the routes above")
            .orElse("content filter: FILTER " + chosen + " names no transport and is ignored")));
    }

    private void routeAction(String address) {
        try {
            route(new MailAddress(address));
        } catch (AddressException e) {
            out.println("  route: none: \"" + address + "\" is not a valid address: " + e.getMessage());
        }
    }

    /** The reply that ends a step, as {@code result: ACCEPT|REJECT|DEFER reply}. @return whether it accepts */
    private boolean result(String reply) {
        String kind = reply.startsWith("2") ? "ACCEPT" : reply.startsWith("4") ? "DEFER" : "REJECT";
        out.println("  result: " + kind + " " + reply);
        return kind.equals("ACCEPT");
    }

    /** MAIL FROM refused before any restriction runs. */
    private int refused(ExplainOptions options, String detail, String reply) {
        out.println("MAIL FROM:<" + options.sender() + ">");
        out.println("  " + detail);
        result(reply);
        return finish(0, options.recipients().size());
    }

    private int finish(int accepted, int recipients) {
        if (accepted > 0) {
            message();
        }
        out.println("summary: " + accepted + " of " + recipients + " recipient" + (recipients == 1 ? "" : "s")
            + " would be accepted");
        if (neededDns) {
            out.println("note: restrictions that need DNS were not evaluated (postern explain makes no DNS lookups);"
                + " the outcome above takes their lookups as temporary failures and is not certain");
            return ExplainCommand.NEEDS_DNS;
        }
        return accepted == recipients && recipients > 0 ? ExplainCommand.ACCEPTED : ExplainCommand.REFUSED;
    }
}
