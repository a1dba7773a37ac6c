package dev.postern.smtpd;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.api.DomainListException;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.user.api.UsersRepository;

import dev.postern.PosternEnvironment;
import dev.postern.address.AddressClassifier;
import dev.postern.address.AddressResolver;
import dev.postern.address.EnvelopePath;
import dev.postern.address.LocalMailboxes;
import dev.postern.address.RecipientListings;
import dev.postern.address.ResolvedAddress;
import dev.postern.address.ResolverParameters;
import dev.postern.config.ComponentParameters;
import dev.postern.config.ParameterType;
import dev.postern.dns.ClientHostname;
import dev.postern.restrictions.RelaySafety;
import dev.postern.restrictions.RestrictionConfig;
import dev.postern.restrictions.RestrictionList;
import dev.postern.restrictions.SmtpState;
import dev.postern.restrictions.UnlistedAddresses;
import dev.postern.restrictions.UnlistedRecipients;
import dev.postern.restrictions.Verdict;
import dev.postern.tables.LookupException;

/**
 * One listener's restriction lists ({@code smtpd_client_restrictions} through
 * {@code smtpd_recipient_restrictions}, {@code smtpd_data_restrictions},
 * {@code smtpd_end_of_data_restrictions}), when they run ({@code smtpd_delay_reject}), the
 * address resolver they judge addresses with and the relay decision, built from its parameters
 * once per configuration generation and shared by the hooks that judge with it
 * ({@link HookEnvironment#policies}).
 *
 * @param lists       the five lists of the RCPT stage as Postfix names them, in evaluation order
 * @param data        {@code smtpd_data_restrictions}
 * @param endOfData   {@code smtpd_end_of_data_restrictions}
 * @param delayReject {@code smtpd_delay_reject}: whether the client, HELO and sender lists wait
 *                    for RCPT TO (yes) or run at connect, HELO and MAIL FROM (no)
 * @param resolver    trivial-rewrite's resolving of MAIL FROM and RCPT TO
 * @param config      what the lists were parsed with; answers whether a destination needs relay permission
 */
public record SmtpdPolicy(List<RestrictionList> lists, RestrictionList data, RestrictionList endOfData,
        boolean delayReject, AddressResolver resolver, RestrictionConfig config) {
    static final List<String> LISTS = RestrictionList.RCPT_PARAMETERS;
    private static final int CLIENT = 0;
    private static final int HELO = 1;
    private static final int SENDER = 2;
    private static final int RELAY = 3;
    private static final int RECIPIENT = 4;
    private static final Set<String> RELAY_LISTS = Set.of(LISTS.get(RELAY), LISTS.get(RECIPIENT));

    /**
     * @throws IllegalArgumentException for a bad list, table or parameter, and for lists that could not
     *                                  refuse relay ({@link RelaySafety})
     */
    public static SmtpdPolicy of(ComponentParameters parameters, HookEnvironment environment, DomainList domainList,
            UsersRepository users) throws IOException {
        AddressClassifier classifier = classifier(parameters, environment, domainList);
        Map<String, String> classes = parameters.list("smtpd_restriction_classes").stream()
            .collect(Collectors.toMap(name -> name, parameters::get));
        RestrictionConfig restrictions = new RestrictionConfig(parameters::get, classes, environment::openTable,
            classifier, unlistedRecipients(parameters, environment, classifier, domainList, users), environment.dns(parameters),
            environment.socketDirectory(), environment.addressVerifier());
        List<RestrictionList> lists = LISTS.stream().map(name -> restrictions.parse(name, parameters.get(name))).toList();
        RelaySafety.check(lists.get(RELAY), lists.get(RECIPIENT));
        boolean delayReject = ParameterType.toBoolean("smtpd_delay_reject", parameters.get("smtpd_delay_reject").trim());
        return new SmtpdPolicy(lists, restrictions.parse("smtpd_data_restrictions", parameters.get("smtpd_data_restrictions")),
            restrictions.parse("smtpd_end_of_data_restrictions", parameters.get("smtpd_end_of_data_restrictions")),
            delayReject, new AddressResolver(ResolverParameters.from(parameters::get), classifier::isLocal), restrictions);
    }

    /** The lists each RCPT TO runs: all five with smtpd_delay_reject = yes, else relay and recipient. */
    public List<RestrictionList> rcptLists() {
        return delayReject ? lists : relayLists();
    }

    public RestrictionList clientList() {
        return lists.get(CLIENT);
    }

    public RestrictionList heloList() {
        return lists.get(HELO);
    }

    public RestrictionList senderList() {
        return lists.get(SENDER);
    }

    /** The relay and recipient lists, which alone can grant relay. */
    public List<RestrictionList> relayLists() {
        return lists.subList(RELAY, RECIPIENT + 1);
    }

    /**
     * Whether an accepted recipient has relay permission: an explicit permit of the relay or
     * recipient list, or a destination that needs none. DISCARD counts too: a discarded message
     * goes nowhere (as in Postfix).
     */
    public boolean covers(Verdict verdict, ResolvedAddress recipient) {
        if (verdict.isDiscard() || verdict.permittedBy().stream().anyMatch(RELAY_LISTS::contains)) {
            return true;
        }
        try {
            return config.isAuthorizedDestination(recipient);
        } catch (LookupException e) {
            return false;
        }
    }

    /**
     * The RCPT TO address of the command in progress, resolved from the one reading of its path
     * ({@link CommandArguments}), from which James's address was built too. Without that reading
     * (a handler chain without Postern's command handlers) James's address is the only reading.
     */
    ResolvedAddress resolveRecipient(SMTPSession session, MailAddress parsed) throws LookupException {
        Optional<EnvelopePath> path = CommandArguments.recipientPath(session);
        return path.isPresent() ? resolver.resolve(path.get(), AddressResolver.Role.RECIPIENT)
            : resolver.resolveRecipient("<" + parsed.asString() + ">");
    }

    /** The MAIL FROM address of the transaction, resolved from the one reading of its path. */
    ResolvedAddress resolveSender(SMTPSession session, MaybeSender parsed) throws LookupException {
        Optional<EnvelopePath> path = CommandArguments.senderPath(session);
        return path.isPresent() ? resolver.resolve(path.get(), AddressResolver.Role.SENDER)
            : resolver.resolveSender("<" + parsed.asString("") + ">");
    }

    /** What the restrictions see of the session at one RCPT. */
    static SmtpState state(SMTPSession session, ResolvedAddress sender, ResolvedAddress recipient, int accepted) {
        return rcptState(sessionState(session), sender, recipient, accepted);
    }

    /**
     * What the restrictions see at one RCPT of a client: its sender, the recipient being checked and
     * how many were accepted before it. Also what {@code postern explain} judges a transaction with.
     */
    public static SmtpState rcptState(SmtpState client, ResolvedAddress sender, ResolvedAddress recipient, int accepted) {
        return client.withSender(sender).withRecipient(recipient).withRecipientCount(accepted);
    }

    /**
     * What the restrictions see of the session outside a transaction: the client, its HELO name
     * (stage HELO) or none (stage CLIENT), its login, TLS, and whether it pipelined improperly.
     */
    static SmtpState sessionState(SMTPSession session) {
        return clientState(ClientIdentity.hostname(session), session.getRemoteAddress().getAddress(),
            session.getAttachment(SMTPSession.CURRENT_HELO_NAME, State.Connection).orElse(null),
            session.getUsername() == null ? null : session.getUsername().asString(),
            session.isTLSStarted(), CommandPrechecks.improperPipelining(session))
            .withFacts(SmtpdSessionFacts.of(session));
    }

    /**
     * What the restrictions see of a client outside a transaction, from what a session holds; a
     * session's state and the hypothetical one of {@code postern explain} are both made here.
     *
     * @param helo         the HELO/EHLO name, or null before HELO (stage CLIENT, else HELO)
     * @param saslUsername the login name, or null without AUTH
     */
    public static SmtpState clientState(ClientHostname client, InetAddress address, String helo, String saslUsername,
                                        boolean tls, boolean improperPipelining) {
        SmtpState state = SmtpState.connect(client, address)
            .withSaslUsername(saslUsername)
            .withTls(tls)
            .withImproperPipelining(improperPipelining);
        return helo == null ? state : state.withHelo(helo);
    }

    /** The address classes of this listener's parameters; domains added through WebAdmin are virtual mailbox domains. */
    static AddressClassifier classifier(ComponentParameters parameters, HookEnvironment environment, DomainList domainList)
            throws IOException {
        return AddressClassifier.fromParameters(parameters::get,
            AddressClassifier.ownAddresses(parameters.list("inet_interfaces"), parameters.list("proxy_interfaces")),
            environment::openTable, domain -> isRuntimeDomain(domainList, domain));
    }

    /**
     * Who {@code reject_unlisted_recipient} knows: the address maps, the virtual alias and relay
     * recipient tables, and for the local and virtual mailbox classes the users store.
     */
    static UnlistedRecipients unlistedRecipients(ComponentParameters parameters, HookEnvironment environment,
            AddressClassifier classifier, DomainList domainList, UsersRepository users) {
        return UnlistedRecipients.fromParameters(parameters::get, environment::openTable, classifier,
            unlisted(mailboxes(parameters, environment, domainList, users)));
    }

    /**
     * The local and virtual mailbox classes, by the same rules local delivery uses: users without
     * their {@code recipient_delimiter} extension, aliases, {@code luser_relay} and
     * {@code virtual_mailbox_maps} entries count as known recipients.
     */
    static LocalMailboxes mailboxes(ComponentParameters parameters, PosternEnvironment environment, DomainList domainList,
                                    UsersRepository users) {
        return new LocalMailboxes(parameters.list("mydestination"), parameters.get("myhostname"),
            directory(parameters, environment, domainList, users))
            .with(parameters.get("recipient_delimiter"),
                RecipientListings.from(parameters, environment::openAliasTable, environment::openTable));
    }

    /**
     * Users and domains for the recipient check. The domains of {@code virtual_mailbox_domains} are
     * checked only when {@code virtual_mailbox_maps} is set, as Postfix's
     * {@code reject_unlisted_recipient} does: without the maps (say, Dovecot behind LMTP decides)
     * their recipients are not refused here.
     */
    private static LocalMailboxes.Directory directory(ComponentParameters parameters, PosternEnvironment environment,
                                                      DomainList domainList, UsersRepository users) {
        LocalMailboxes.Directory directory = LocalMailboxes.Directory.of(users::contains, users::supportVirtualHosting,
            domainList::containsDomain);
        if (parameters.list("virtual_mailbox_maps").isEmpty()) {
            return directory;
        }
        return directory.alsoHosting(LocalMailboxes.Directory.virtualMailboxDomains(parameters::get, environment::openTable));
    }

    private static UnlistedAddresses unlisted(LocalMailboxes mailboxes) {
        return address -> {
            try {
                return mailboxes.unknownUser(address.localPart(), address.domain())
                    .map(unknown -> unknown.addressClass().table());
            } catch (LocalMailboxes.LookupException e) {
                throw new LookupException(e.getMessage(), e);
            }
        };
    }

    /** Domains added through WebAdmin count as local at run time. */
    private static boolean isRuntimeDomain(DomainList domainList, String domain) throws LookupException {
        try {
            return domainList.containsDomain(Domain.of(domain));
        } catch (DomainListException e) {
            throw new LookupException("domain list lookup failed for " + domain + ": " + e.getMessage(), e);
        }
    }
}
