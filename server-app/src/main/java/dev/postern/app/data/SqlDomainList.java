package dev.postern.app.data;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.apache.james.core.Domain;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.api.DomainListException;

import dev.postern.tables.sql.SqlDatabase;

/**
 * James's DomainList as {@link PosternDomainList} answers it, with the domains added through
 * WebAdmin in table {@code postern_domains} of a database every node shares
 * ({@code postern_domains_database}): a domain added on one node is a local domain of every node
 * at once. mydestination's names stay read-only. A database that cannot answer is a lookup
 * failure (the RCPT is deferred), never "not ours".
 */
public class SqlDomainList implements DomainList {
    static final String TABLE = "postern_domains";

    private final Set<Domain> configured;
    private final Domain defaultDomain;
    private final SqlStore store;

    public SqlDomainList(Set<Domain> configured, Domain defaultDomain, SqlDatabase database) {
        this.configured = Set.copyOf(configured);
        this.defaultDomain = defaultDomain;
        this.store = new SqlStore(database, TABLE, "CREATE TABLE IF NOT EXISTS " + TABLE
            + " (name VARCHAR(255) NOT NULL PRIMARY KEY)");
    }

    @Override
    public List<Domain> getDomains() throws DomainListException {
        List<Domain> stored;
        try {
            stored = store.run(connection -> {
                try (PreparedStatement select = connection.prepareStatement("SELECT name FROM " + TABLE + " ORDER BY name");
                     ResultSet rows = select.executeQuery()) {
                    List<Domain> domains = new ArrayList<>();
                    while (rows.next()) {
                        domains.add(Domain.of(rows.getString(1)));
                    }
                    return domains;
                }
            });
        } catch (SQLException e) {
            throw new DomainListException("cannot list domains: " + store.failure(e), e);
        }
        return Stream.concat(configured.stream().sorted((a, b) -> a.asString().compareTo(b.asString())), stored.stream())
            .distinct().toList();
    }

    @Override
    public boolean containsDomain(Domain domain) throws DomainListException {
        if (configured.contains(domain)) {
            return true;
        }
        try {
            return store.run(connection -> {
                try (PreparedStatement select = connection.prepareStatement("SELECT 1 FROM " + TABLE + " WHERE name = ?")) {
                    select.setString(1, domain.asString());
                    try (ResultSet row = select.executeQuery()) {
                        return row.next();
                    }
                }
            });
        } catch (SQLException e) {
            throw new DomainListException("cannot look up domain " + domain.asString() + ": " + store.failure(e), e);
        }
    }

    @Override
    public void addDomain(Domain domain) throws DomainListException {
        if (configured.contains(domain)) {
            throw new DomainListException(domain.asString() + " already exists");
        }
        try {
            store.run(connection -> {
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + TABLE + " (name) VALUES (?)")) {
                    insert.setString(1, domain.asString());
                    return insert.executeUpdate();
                }
            });
        } catch (SQLException e) {
            throw new DomainListException(SqlStore.isDuplicate(e) ? domain.asString() + " already exists"
                : "cannot add domain " + domain.asString() + ": " + store.failure(e), e);
        }
    }

    @Override
    public void removeDomain(Domain domain) throws DomainListException {
        if (configured.contains(domain)) {
            throw new DomainListException(domain.asString()
                + " is listed in main.cf (mydestination) and cannot be removed through WebAdmin");
        }
        int removed;
        try {
            removed = store.run(connection -> {
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + TABLE + " WHERE name = ?")) {
                    delete.setString(1, domain.asString());
                    return delete.executeUpdate();
                }
            });
        } catch (SQLException e) {
            throw new DomainListException("cannot remove domain " + domain.asString() + ": " + store.failure(e), e);
        }
        if (removed == 0) {
            throw new DomainListException(domain.asString() + " was not found");
        }
    }

    @Override
    public Domain getDefaultDomain() {
        return defaultDomain;
    }
}
