package dev.postern.tables.ldap;

import java.io.Closeable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.naming.CommunicationException;
import javax.naming.InvalidNameException;
import javax.naming.NameNotFoundException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.PartialResultException;
import javax.naming.ServiceUnavailableException;
import javax.naming.SizeLimitExceededException;
import javax.naming.directory.Attribute;
import javax.naming.directory.Attributes;
import javax.naming.directory.SearchControls;
import javax.naming.directory.SearchResult;
import javax.naming.ldap.LdapContext;
import javax.naming.ldap.LdapName;

import dev.postern.config.ConfigException;
import dev.postern.tables.LookupException;
import dev.postern.tables.LookupTable;

/**
 * {@code ldap:/path/file.cf} (ldap_table(5)): a lookup searches the directory with query_filter
 * under search_base, the key folded to lower case and escaped (RFC 4515 in the filter, RFC 4514
 * in the base), and answers the values of result_attribute of every entry found, each through
 * result_format, joined by commas; none is "not found".
 *
 * <p>Group expansion: the values of special_result_attribute are DNs whose entries are read in
 * turn (up to recursion_limit deep); an entry with a terminal_result_attribute gives only that
 * attribute's values; leaf_result_attribute is taken only from entries without special
 * attributes.
 *
 * <p>A server that cannot be reached, refuses the bind, is slower than timeout, or returns more
 * than size_limit entries or expansion_limit values fails the lookup ({@link LookupException},
 * never "not found"); a connection that broke is dropped and the search tried once more on a new
 * one. A search base that does not exist is "not found", as for Postfix.
 */
public final class LdapTable implements LookupTable, Closeable {
    private final String name;
    private final LdapSettings settings;
    private final LdapConnections connections;

    private LdapTable(String name, LdapSettings settings) {
        this(name, settings, new LdapConnections(settings));
    }

    /** With connections of the caller's (tests that prepare the pool). */
    LdapTable(String name, LdapSettings settings, LdapConnections connections) {
        this.name = name;
        this.settings = settings;
        this.connections = connections;
    }

    /** @throws ConfigException naming the file, line and parameter of a bad setting, or the missing file */
    public static LdapTable open(String spec, Path file) throws ConfigException {
        try {
            return new LdapTable(spec, LdapSettings.load(file));
        } catch (ConfigException e) {
            throw new ConfigException("table " + spec + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<String> lookup(String key) throws LookupException {
        String folded = key.toLowerCase(Locale.ROOT);
        if (!inDomain(folded)) {
            return Optional.empty();
        }
        Optional<String> filter = settings.queryFilter().expandKey(folded, LdapEscaping::filterValue);
        Optional<String> base = settings.searchBase().expandKey(folded, LdapEscaping::dnValue);
        if (filter.isEmpty() || base.isEmpty()) {
            return Optional.empty();
        }
        String query = filter.get().startsWith("(") ? filter.get() : "(" + filter.get() + ")";
        List<String> values = searchWithRetry(parseDn(base.get()), query);
        List<String> results = new ArrayList<>();
        for (String value : values) {
            settings.resultFormat().expandResult(value, folded).filter(s -> !s.isEmpty()).ifPresent(results::add);
        }
        return results.isEmpty() ? Optional.empty() : Optional.of(String.join(",", results));
    }

    /** domain: when set, only keys user@domain with a listed domain are looked up. */
    private boolean inDomain(String key) {
        if (settings.domains().isEmpty()) {
            return true;
        }
        int at = key.lastIndexOf('@');
        return at > 0 && settings.domains().contains(key.substring(at + 1));
    }

    private LdapName parseDn(String dn) throws LookupException {
        try {
            return new LdapName(dn);
        } catch (InvalidNameException e) {
            throw new LookupException(name + ": invalid search_base \"" + dn + "\": " + e.getMessage());
        }
    }

    private List<String> searchWithRetry(LdapName base, String filter) throws LookupException {
        try {
            return search(base, filter);
        } catch (CommunicationException | ServiceUnavailableException e) {
            // The connection was idle and the server (restarted) or a middlebox dropped it, and likely the
            // other idle ones too: one more try on a new connection.
            connections.discardIdle();
            return searchOrFail(base, filter);
        }
    }

    private List<String> searchOrFail(LdapName base, String filter) throws LookupException {
        try {
            return search(base, filter);
        } catch (CommunicationException | ServiceUnavailableException e) {
            throw failure("LDAP server unavailable", e);
        }
    }

    private List<String> search(LdapName base, String filter)
            throws CommunicationException, ServiceUnavailableException, LookupException {
        LdapContext context;
        try {
            context = connections.take();
        } catch (CommunicationException | ServiceUnavailableException e) {
            throw e;
        } catch (NamingException e) {
            throw failure("cannot connect or bind", e);
        }
        try {
            SearchControls controls = controls(settings.scope());
            controls.setCountLimit(settings.sizeLimit());
            List<String> values = new ArrayList<>();
            for (Attributes entry : entries(context, base, filter, controls)) {
                expand(context, entry, 0, values);
            }
            connections.giveBack(context);
            return values;
        } catch (NameNotFoundException e) {
            connections.giveBack(context);
            return List.of();
        } catch (CommunicationException | ServiceUnavailableException e) {
            connections.discard(context);
            throw e;
        } catch (SizeLimitExceededException e) {
            connections.discard(context);
            throw new LookupException(name + ": more than size_limit = " + settings.sizeLimit() + " entries for "
                + filter);
        } catch (NamingException e) {
            connections.discard(context);
            throw failure("search " + filter + " failed", e);
        } catch (LookupException | RuntimeException e) {
            connections.discard(context);
            throw e;
        }
    }

    private SearchControls controls(int scope) {
        SearchControls controls = new SearchControls();
        controls.setSearchScope(scope);
        controls.setTimeLimit((int) Math.min(Integer.MAX_VALUE, settings.timeout().toMillis()));
        controls.setReturningAttributes(settings.requestedAttributes().toArray(String[]::new));
        return controls;
    }

    private static List<Attributes> entries(LdapContext context, LdapName base, String filter, SearchControls controls)
            throws NamingException {
        List<Attributes> entries = new ArrayList<>();
        NamingEnumeration<SearchResult> results = context.search(base, filter, controls);
        try {
            while (results.hasMore()) {
                entries.add(results.next().getAttributes());
            }
        } catch (PartialResultException e) {
            // referrals not chased (chase_referrals = no): the entries returned so far are the answer
        } finally {
            results.close();
        }
        return entries;
    }

    /** Adds the values one entry contributes, following its special result attributes. */
    private void expand(LdapContext context, Attributes entry, int depth, List<String> values)
            throws NamingException, LookupException {
        List<String> terminal = valuesOf(entry, settings.terminalResultAttributes());
        if (!terminal.isEmpty()) {
            add(values, terminal);
            return;
        }
        add(values, valuesOf(entry, settings.resultAttributes()));
        List<String> members = valuesOf(entry, settings.specialResultAttributes());
        if (members.isEmpty()) {
            add(values, valuesOf(entry, settings.leafResultAttributes()));
            return;
        }
        if (depth + 1 > settings.recursionLimit()) {
            throw new LookupException(name + ": special_result_attribute nesting deeper than recursion_limit = "
                + settings.recursionLimit());
        }
        for (String member : members) {
            LdapName dn;
            try {
                dn = new LdapName(member);
            } catch (InvalidNameException e) {
                continue; // not a DN (Postfix would try an LDAP URL here; not supported): skipped
            }
            try {
                for (Attributes memberEntry : entries(context, dn, "(objectClass=*)", controls(SearchControls.OBJECT_SCOPE))) {
                    expand(context, memberEntry, depth + 1, values);
                }
            } catch (NameNotFoundException e) {
                // a member that no longer exists contributes nothing, as in Postfix
            }
        }
    }

    private void add(List<String> values, List<String> more) throws LookupException {
        values.addAll(more);
        if (settings.expansionLimit() > 0 && values.size() > settings.expansionLimit()) {
            throw new LookupException(name + ": more than expansion_limit = " + settings.expansionLimit() + " results");
        }
    }

    private static List<String> valuesOf(Attributes entry, List<String> attributeNames) throws NamingException {
        List<String> values = new ArrayList<>();
        for (String attributeName : attributeNames) {
            Attribute attribute = entry.get(attributeName);
            if (attribute == null) {
                continue;
            }
            NamingEnumeration<?> all = attribute.getAll();
            while (all.hasMore()) {
                Object value = all.next();
                values.add(value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value));
            }
        }
        return values;
    }

    private LookupException failure(String what, NamingException e) {
        String detail = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        if (e.getRootCause() != null && e.getRootCause().getMessage() != null) {
            detail += " (" + e.getRootCause().getMessage() + ")";
        }
        return new LookupException(name + ": " + what + ": " + detail + " [server_host "
            + String.join(" ", settings.serverUrls()) + "]", e);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean isPattern() {
        return false;
    }

    @Override
    public void close() {
        connections.close();
    }
}
