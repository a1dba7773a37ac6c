package dev.postern.testing;

import java.util.List;
import java.util.stream.Stream;

import org.apache.james.core.Domain;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.api.DomainListException;

/** A fixed domain list; {@link #failing()} makes lookups fail. */
public final class FakeDomainList implements DomainList {
    private final List<Domain> domains;
    private boolean failing;

    public FakeDomainList(String... domains) {
        this.domains = Stream.of(domains).map(Domain::of).toList();
    }

    public FakeDomainList failing() {
        failing = true;
        return this;
    }

    @Override
    public List<Domain> getDomains() {
        return domains;
    }

    @Override
    public boolean containsDomain(Domain domain) throws DomainListException {
        if (failing) {
            throw new DomainListException("connection refused");
        }
        return domains.contains(domain);
    }

    @Override
    public void addDomain(Domain domain) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void removeDomain(Domain domain) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Domain getDefaultDomain() {
        return domains.get(0);
    }
}
