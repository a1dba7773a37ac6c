package dev.postern.address;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;

import dev.postern.config.PostfixList;
import dev.postern.tables.LookupTable;

/**
 * Which mailbox a recipient of one of this server's own domains goes to, by Postfix's
 * address classes:
 * <ul>
 * <li>local class, a {@code mydestination} domain: one namespace for all those domains,
 *     the user is the lower-cased local part and exists when the James user
 *     {@code user@$myhostname} does ({@code postmaster} always exists); the mailbox is
 *     {@code $myhostname/user/Maildir/} under the mail root;</li>
 * <li>virtual mailbox class, any other DomainList domain (added through WebAdmin) and, with
 *     {@link Directory#alsoHosting}, every domain of {@code virtual_mailbox_domains}: the
 *     user is the whole lower-cased address and must exist; the mailbox is
 *     {@code domain/localpart/Maildir/}. A {@code postmaster} that is not a user of its
 *     own goes to the local postmaster, so that mail to postmaster is never refused.</li>
 * </ul>
 * A local part that could leave its directory ({@code /}, NUL, a leading dot) or that still
 * holds an {@code @} (sender-specified routing) names no user; a quoted one is unquoted first.
 * A failed user or domain lookup is reported as such, never as an unknown user.
 *
 * <p>Local delivery asks {@link #resolve}; the SMTP server, before it accepts a recipient,
 * asks {@link #unknownUser}. Users and domains come from a {@link Directory}, in James
 * {@link Directory#of(Directory.Lookup, Callable, Directory.Lookup) its users repository and
 * domain list}.
 */
public final class LocalMailboxes {
    static final String POSTMASTER = "postmaster";

    private final Set<String> mydestination;
    private final String myhostname;
    private final Directory directory;
    private final String recipientDelimiter;
    private final Listings listings;

    public LocalMailboxes(Collection<String> mydestination, String myhostname, Directory directory) {
        this(mydestination, myhostname, directory, "", Listings.NONE);
    }

    private LocalMailboxes(Collection<String> mydestination, String myhostname, Directory directory,
                           String recipientDelimiter, Listings listings) {
        this.mydestination = mydestination.stream().map(LocalMailboxes::foldDomain).collect(Collectors.toUnmodifiableSet());
        this.myhostname = foldDomain(myhostname);
        if (this.myhostname.isEmpty() || !isSafeName(this.myhostname)) {
            throw new IllegalArgumentException("myhostname: not usable as a mailbox directory: \"" + myhostname + "\"");
        }
        this.directory = directory;
        this.recipientDelimiter = recipientDelimiter == null ? "" : recipientDelimiter;
        this.listings = listings;
    }

    /**
     * The same mailboxes with {@code recipient_delimiter} applied (the user of {@code bob+ext} is
     * {@code bob}) and with names that are valid recipients without being users (aliases,
     * {@code luser_relay}, {@code virtual_mailbox_maps} entries), for the SMTP server's check.
     */
    public LocalMailboxes with(String delimiter, Listings names) {
        return new LocalMailboxes(mydestination, myhostname, directory, delimiter, names);
    }

    /**
     * Recipients that are valid without being James users: local aliases and {@code luser_relay}
     * (local class, by lower-cased local part, with and without extension), and
     * {@code virtual_mailbox_maps} entries (virtual mailbox class, by lower-cased address). A
     * failure is a failed lookup, never a "no".
     */
    public interface Listings {
        Listings NONE = new Listings() {
            @Override
            public boolean localListed(String localPart) {
                return false;
            }

            @Override
            public boolean virtualListed(String address) {
                return false;
            }
        };

        boolean localListed(String localPart) throws Exception;

        boolean virtualListed(String address) throws Exception;
    }

    /** Whether the domain is of the local class ({@code mydestination}). */
    public boolean isLocalClass(Domain domain) {
        return mydestination.contains(foldDomain(domain.asString()));
    }

    /** The local part without its {@code recipient_delimiter} extension. */
    public String withoutExtension(String localPart) {
        return RecipientDelimiter.base(localPart, recipientDelimiter).orElse(localPart);
    }

    /** The users and domains; any exception a lookup throws is a failed lookup, never a "no". */
    public interface Directory {
        /** Whether {@code localPart@domain} is a user; for the local class {@code domain} is {@code $myhostname}. */
        boolean hasUser(String localPart, String domain) throws Exception;

        /** Whether the domain is one of the DomainList's. */
        boolean hostsDomain(Domain domain) throws Exception;

        /**
         * This directory, also hosting the domains of {@code virtual_mailbox_domains} (its default
         * is {@code $virtual_mailbox_maps}): in Postfix those are the virtual mailbox class whether
         * or not anyone added them through WebAdmin, so their users are looked up (and unknown
         * ones refused at RCPT) and their mail delivered by virtual(8).
         */
        default Directory alsoHosting(DomainMatchList virtualMailboxDomains) {
            Directory base = this;
            return new Directory() {
                @Override
                public boolean hasUser(String localPart, String domain) throws Exception {
                    return base.hasUser(localPart, domain);
                }

                @Override
                public boolean hostsDomain(Domain domain) throws Exception {
                    return virtualMailboxDomains.matches(domain.asString()) || base.hostsDomain(domain);
                }
            };
        }

        /** {@code virtual_mailbox_domains} of these parameters, its tables opened by {@code tables}. */
        static DomainMatchList virtualMailboxDomains(Function<String, String> parameters,
                                                     Function<String, LookupTable> tables) {
            return DomainMatchList.strings("virtual_mailbox_domains",
                PostfixList.split(parameters.apply("virtual_mailbox_domains")), tables);
        }

        /** A membership test that may fail: {@code UsersRepository::contains}, {@code DomainList::containsDomain}. */
        @FunctionalInterface
        interface Lookup<T> {
            boolean contains(T key) throws Exception;
        }

        /**
         * James's users repository and domain list as a directory:
         * {@code Directory.of(users::contains, users::supportVirtualHosting, domainList::containsDomain)}.
         * Users are looked up by their {@link #username James user name}.
         */
        static Directory of(Lookup<Username> users, Callable<Boolean> virtualHosting, Lookup<Domain> domains) {
            return new Directory() {
                @Override
                public boolean hasUser(String localPart, String domain) throws Exception {
                    Optional<Username> username = username(localPart, domain, virtualHosting.call());
                    return username.isPresent() && users.contains(username.get());
                }

                @Override
                public boolean hostsDomain(Domain domain) throws Exception {
                    return domains.contains(domain);
                }
            };
        }
    }

    /**
     * The James user name of {@code localPart@domain}: {@code localPart@domain} in a users
     * repository with virtual hosting, {@code localPart} in one without. Empty when that is no
     * valid James user name, so no such user can exist.
     */
    public static Optional<Username> username(String localPart, String domain, boolean virtualHosting) {
        try {
            return Optional.of(virtualHosting
                ? Username.fromLocalPartWithDomain(localPart, domain)
                : Username.fromLocalPartWithoutDomain(localPart));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Postfix's address classes of this server's own domains, by the table that lists their users. */
    public enum AddressClass {
        /** {@code mydestination}: {@code local_recipient_maps}. */
        LOCAL("local recipient table"),
        /** DomainList domains: {@code virtual_mailbox_maps}. */
        VIRTUAL_MAILBOX("virtual mailbox table");

        private final String table;

        AddressClass(String table) {
            this.table = table;
        }

        /** As Postfix names it in {@code User unknown in local recipient table}. */
        public String table() {
            return table;
        }
    }

    /** What became of one recipient; {@code address} is its final form, lower-cased local part. */
    public sealed interface Resolution permits NotLocal, UnknownUser, Mailbox {
    }

    /** The domain is none of this server's: another stage routes the recipient. */
    public record NotLocal() implements Resolution {
    }

    /**
     * {@code user} as Postfix names it in {@code unknown user: "user"}: the key its class's table
     * is searched by, the local part in the local recipient table and the whole address in the
     * virtual mailbox table, so it also tells the {@link #addressClass()}.
     */
    public record UnknownUser(String address, String user) implements Resolution {
        public AddressClass addressClass() {
            return user.equals(address) ? AddressClass.VIRTUAL_MAILBOX : AddressClass.LOCAL;
        }
    }

    /** @param directory the Maildir, relative to the mail root */
    public record Mailbox(String address, String user, Path directory) implements Resolution {
    }

    /** A user or domain lookup failed: the recipient must be tried again later. */
    public static final class LookupException extends Exception {
        public LookupException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Local delivery's question: where the recipient's mail goes. */
    public Resolution resolve(MailAddress recipient) throws LookupException {
        return resolve(recipient, true);
    }

    /**
     * The SMTP server's question before it accepts a recipient (Postfix's
     * {@code reject_unlisted_recipient}): the unknown user {@link #resolve} would find, if any.
     * It asks no more than that needs: postmaster exists in either class without a user lookup
     * (whether it has a mailbox of its own is delivery's question), so a failing user lookup
     * never turns mail to postmaster away.
     */
    public Optional<UnknownUser> unknownUser(MailAddress recipient) throws LookupException {
        return unlisted(resolve(recipient, false));
    }

    /**
     * {@link #unknownUser(MailAddress)} for an address already resolved to its internal form
     * (local part unquoted), as the restriction engine holds it.
     */
    public Optional<UnknownUser> unknownUser(String localPart, String domain) throws LookupException {
        Domain parsed;
        try {
            parsed = Domain.of(domain);
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // not a domain any mailbox class can hold
        }
        return unlisted(resolve(localPart.toLowerCase(Locale.ROOT), parsed, false));
    }

    /** An unknown user that no alias, luser_relay or virtual mailbox table lists. */
    private Optional<UnknownUser> unlisted(Resolution resolution) throws LookupException {
        if (!(resolution instanceof UnknownUser unknown)) {
            return Optional.empty();
        }
        String address = unknown.address();
        String localPart = address.substring(0, address.lastIndexOf('@'));
        try {
            boolean listed = unknown.addressClass() == AddressClass.LOCAL
                ? listings.localListed(localPart) || listings.localListed(withoutExtension(localPart))
                : listings.virtualListed(address)
                    || listings.virtualListed(withoutExtension(localPart) + address.substring(address.lastIndexOf('@')));
            return listed ? Optional.empty() : Optional.of(unknown);
        } catch (Exception e) {
            throw lookupFailed("recipient table lookup failed for " + address, e);
        }
    }

    /** Whether the domain is one of the local or virtual mailbox classes. */
    public boolean isLocalDomain(Domain domain) throws LookupException {
        return mydestination.contains(foldDomain(domain.asString())) || isRuntimeDomain(domain);
    }

    private Resolution resolve(MailAddress recipient, boolean findMailbox) throws LookupException {
        return resolve(unquote(recipient.getLocalPart()).toLowerCase(Locale.ROOT), recipient.getDomain(), findMailbox);
    }

    private Resolution resolve(String localPart, Domain recipientDomain, boolean findMailbox) throws LookupException {
        String domain = foldDomain(recipientDomain.asString());
        String address = localPart + "@" + domain;
        if (mydestination.contains(domain)) {
            return resolveLocal(address, localPart);
        }
        if (!isRuntimeDomain(recipientDomain)) {
            return new NotLocal();
        }
        return resolveVirtual(address, localPart, domain, findMailbox);
    }

    private Resolution resolveLocal(String address, String localPart) throws LookupException {
        String user = withoutExtension(localPart);
        if (!isSafeUser(user)) {
            return new UnknownUser(address, user);
        }
        if (user.equals(POSTMASTER) || userExists(user, myhostname)) {
            return new Mailbox(address, user, Path.of(myhostname, user, "Maildir"));
        }
        return new UnknownUser(address, user);
    }

    /** Without {@code findMailbox}, postmaster's Mailbox only means "exists": its directory may be wrong. */
    private Resolution resolveVirtual(String address, String localPart, String domain, boolean findMailbox)
            throws LookupException {
        if (!isSafeUser(localPart) || !isSafeName(domain)) {
            return new UnknownUser(address, address);
        }
        boolean postmaster = localPart.equals(POSTMASTER);
        if ((findMailbox || !postmaster) && userExists(localPart, domain)) {
            return new Mailbox(address, address, Path.of(domain, localPart, "Maildir"));
        }
        String user = withoutExtension(localPart);
        if (!user.equals(localPart) && isSafeUser(user) && userExists(user, domain)) {
            return new Mailbox(address, address, Path.of(domain, user, "Maildir"));
        }
        if (postmaster) {
            return new Mailbox(address, POSTMASTER, Path.of(myhostname, POSTMASTER, "Maildir"));
        }
        return new UnknownUser(address, address);
    }

    private boolean userExists(String localPart, String domain) throws LookupException {
        try {
            return directory.hasUser(localPart, domain);
        } catch (Exception e) {
            throw lookupFailed("user lookup failed for " + localPart + "@" + domain, e);
        }
    }

    private boolean isRuntimeDomain(Domain domain) throws LookupException {
        try {
            return directory.hostsDomain(domain);
        } catch (Exception e) {
            throw lookupFailed("domain lookup failed for " + domain.asString(), e);
        }
    }

    private static LookupException lookupFailed(String what, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return new LookupException(what + ": " + e.getMessage(), e);
    }

    /** A name that stays one directory level: no separator, no NUL, no leading dot. */
    public static boolean isSafeName(String name) {
        return !name.isEmpty() && name.indexOf('/') < 0 && name.indexOf('\0') < 0 && !name.startsWith(".");
    }

    /** A user name: safe as a directory, and no {@code @} left to route with. */
    private static boolean isSafeUser(String localPart) {
        return isSafeName(localPart) && localPart.indexOf('@') < 0;
    }

    /** {@link #unquote}, for callers outside this package that search tables by the internal form. */
    public static String unquoted(String localPart) {
        return unquote(localPart);
    }

    /**
     * The internal (unquoted) form Postfix looks users up by: {@code "bob"} is {@code bob},
     * and {@code ".hidden"} is {@code .hidden}, refused like any other leading dot.
     */
    static String unquote(String localPart) {
        if (localPart.length() < 2 || !localPart.startsWith("\"") || !localPart.endsWith("\"")) {
            return localPart;
        }
        StringBuilder out = new StringBuilder(localPart.length());
        for (int i = 1; i < localPart.length() - 1; i++) {
            char c = localPart.charAt(i);
            if (c == '\\' && i + 1 < localPart.length() - 1) {
                c = localPart.charAt(++i);
            }
            out.append(c);
        }
        return out.toString();
    }

    private static String foldDomain(String domain) {
        String lower = domain.trim().toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
