package dev.postern.matchers;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import javax.mail.MessagingException;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.api.DomainListException;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.postern.PosternEnvironment;
import dev.postern.address.AddressClassifier;
import dev.postern.address.AddressResolver;
import dev.postern.address.HostSyntax;
import dev.postern.address.ResolvedAddress;
import dev.postern.address.ResolverParameters;
import dev.postern.config.ComponentParameters;
import dev.postern.config.ConfigException;
import dev.postern.restrictions.RestrictionConfig;
import dev.postern.restrictions.RestrictionList;
import dev.postern.restrictions.SmtpState;
import dev.postern.restrictions.Stage;
import dev.postern.restrictions.Verdict;
import dev.postern.tables.LookupException;

/**
 * A James matcher that judges each recipient of a mail with one Postfix restriction list, as
 * smtpd would have judged it at RCPT TO, and matches the recipients whose outcome is one of
 * {@link #matchedResults()}. Subclasses say which list (from the matcher condition) and which
 * outcomes.
 *
 * <p>The session is rebuilt from what James keeps on the mail: the client address
 * ({@link Mail#getRemoteAddr}), its host name ({@link Mail#getRemoteHost}: James's reverse
 * lookup, which Postfix would also check forward; {@code unknown} when it is only the address
 * again), the HELO name ({@link Mail#SMTP_HELO}), the SASL login
 * ({@link Mail#SMTP_AUTH_USER}) and the envelope sender. Whether the session used TLS and how it
 * pipelined are not kept, so restrictions that ask are refused at init.
 *
 * <p>Parameters ({@code mynetworks}, {@code mydestination}, {@code relay_domains}, reply codes,
 * ...) come from main.cf: the one Postern's assembly binds, or in a stock James server the file
 * named by the system property {@value #MAIN_CF_PROPERTY} (James sets the lines of its
 * {@code conf/jvm.properties} as system properties), because James gives matchers no init
 * parameters, only the condition. Domains of James's DomainList count as virtual mailbox
 * domains, as they do for Postern's SMTP server.
 */
public abstract class RestrictionMatcher extends GenericMatcher {
    /** Names main.cf where no assembly binds it: one file for every Postern matcher of the server. */
    public static final String MAIN_CF_PROPERTY = "postern.mainCf";

    /** Restrictions that look at the session's TLS or command timing, which the mail does not carry. */
    private static final Set<String> SESSION_ONLY = Set.of("reject_plaintext_session", "reject_unauth_pipelining");
    /** Mail the server made itself (bounces) has no client; James gives such mail the loopback address. */
    private static final String NO_CLIENT = "127.0.0.1";
    private static final Logger LOGGER = LoggerFactory.getLogger(RestrictionMatcher.class);

    private final PosternEnvironment environment;
    private final DomainList domainList;
    private RestrictionList list;
    private AddressResolver resolver;

    protected RestrictionMatcher(PosternEnvironment environment, DomainList domainList) {
        this.environment = environment;
        this.domainList = domainList;
    }

    /**
     * The restriction list to evaluate, in main.cf syntax.
     *
     * @param condition the matcher condition, trimmed; empty when there is none
     * @throws IllegalArgumentException when the condition is missing or not allowed
     */
    protected abstract String restrictions(String condition);

    /** For the short names with a fixed list, which take no condition. */
    protected static String noCondition(String condition, String restriction) {
        if (!condition.isEmpty()) {
            throw new IllegalArgumentException("takes no condition; it evaluates " + restriction);
        }
        return restriction;
    }

    /** The outcomes whose recipients this matcher returns. */
    protected abstract Set<Verdict.Result> matchedResults();

    @Override
    public void init() throws MessagingException {
        String condition = Optional.ofNullable(getCondition()).orElse("").trim();
        try {
            ComponentParameters parameters = environment.parameters(this::mainCfLocation, getMatcherName());
            AddressClassifier classifier = AddressClassifier.fromParameters(parameters::get,
                AddressClassifier.ownAddresses(parameters.list("inet_interfaces"), parameters.list("proxy_interfaces")),
                environment::openTable, this::isRuntimeDomain);
            // smtpd_restriction_classes are shared with the SMTP server, so a list may name them.
            Map<String, String> classes = parameters.list("smtpd_restriction_classes").stream()
                .collect(Collectors.toMap(name -> name, parameters::get));
            RestrictionConfig config = new RestrictionConfig(parameters::get, classes, environment::openTable, classifier);
            list = config.parse(getMatcherName(), restrictions(condition), Stage.RECIPIENT);
            refuseSessionOnly(list);
            resolver = new AddressResolver(ResolverParameters.from(parameters::get), classifier::isLocal);
        } catch (ConfigException | IllegalArgumentException | IOException e) {
            throw new MessagingException("matcher " + getMatcherName() + ", condition \"" + condition + "\": "
                + e.getMessage(), e);
        }
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        Optional<SmtpState> session = session(mail);
        List<MailAddress> matched = new ArrayList<>();
        int accepted = 0;
        for (MailAddress recipient : mail.getRecipients()) {
            // reject_multi_recipient_bounce counts the recipients accepted before this one.
            int before = accepted;
            Verdict.Result result = session.map(s -> judge(mail, s.withRecipientCount(before), recipient))
                .orElse(Verdict.Result.DEFER);
            if (matchedResults().contains(result)) {
                matched.add(recipient);
            }
            if (result == Verdict.Result.PERMIT || result == Verdict.Result.DUNNO) {
                accepted++;
            }
        }
        return matched;
    }

    private Verdict.Result judge(Mail mail, SmtpState session, MailAddress recipient) {
        try {
            ResolvedAddress resolved = resolver.resolveRecipient("<" + recipient.asString() + ">");
            Verdict verdict = list.evaluate(session.withRecipient(resolved));
            LOGGER.debug("{}: {} for <{}>: {}", getMatcherName(), mail.getName(), recipient.asString(), verdict);
            return verdict.result();
        } catch (LookupException e) {
            // A lookup failure is never permission: the recipient is deferred.
            LOGGER.warn("{}: {} for <{}>: deferred, lookup failed: {}", getMatcherName(), mail.getName(),
                recipient.asString(), e.getMessage());
            return Verdict.Result.DEFER;
        }
    }

    /** The session as the mail remembers it, up to MAIL FROM; empty when it cannot be rebuilt. */
    private Optional<SmtpState> session(Mail mail) {
        String addressText = Optional.ofNullable(mail.getRemoteAddr()).orElse(NO_CLIENT);
        Optional<InetAddress> address = numericAddress(addressText);
        if (address.isEmpty()) {
            LOGGER.warn("{}: {}: client address \"{}\" is not an IP address; its recipients are deferred",
                getMatcherName(), mail.getName(), addressText);
            return Optional.empty();
        }
        String name = mail.getRemoteHost();
        boolean named = name != null && !name.isBlank() && !name.equals(addressText);
        try {
            ResolvedAddress sender = resolver.resolveSender("<" + mail.getMaybeSender().asString("") + ">");
            return Optional.of(SmtpState.connect(named ? name : null, address.get())
                .withHelo(attribute(mail, Mail.SMTP_HELO).orElse(null))
                .withSender(sender)
                .withSaslUsername(attribute(mail, Mail.SMTP_AUTH_USER).orElse(null)));
        } catch (LookupException e) {
            LOGGER.warn("{}: {}: sender lookup failed, recipients deferred: {}", getMatcherName(), mail.getName(),
                e.getMessage());
            return Optional.empty();
        }
    }

    private static Optional<String> attribute(Mail mail, AttributeName name) {
        return mail.getAttribute(name).map(Attribute::getValue).map(v -> String.valueOf(v.value()));
    }

    /** Parses an IP address without ever asking DNS. */
    private static Optional<InetAddress> numericAddress(String text) {
        String address = text.trim();
        if (!HostSyntax.isValidHostAddress(address)) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(address));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private Optional<String> mainCfLocation(String name) {
        if (!name.equals(ComponentParameters.MAIN_CF_PARAMETER) || environment.hasMainCf()) {
            return Optional.empty();
        }
        String location = System.getProperty(MAIN_CF_PROPERTY);
        if (location == null || location.isBlank()) {
            throw new IllegalArgumentException("no main.cf: outside Postern's assembly set the system property "
                + MAIN_CF_PROPERTY + " to its path (in James: a line in conf/jvm.properties)");
        }
        return Optional.of(location);
    }

    private static void refuseSessionOnly(RestrictionList list) {
        for (String word : list.words()) {
            if (SESSION_ONLY.contains(word)) {
                throw new IllegalArgumentException(word + " needs the SMTP session, which a mail does not keep;"
                    + " use it in smtpd_*_restrictions");
            }
        }
    }

    /** Domains added to James's DomainList count as virtual mailbox domains. */
    private boolean isRuntimeDomain(String domain) throws LookupException {
        try {
            return domainList.containsDomain(Domain.of(domain));
        } catch (DomainListException e) {
            throw new LookupException("domain list lookup failed for " + domain + ": " + e.getMessage(), e);
        }
    }
}
