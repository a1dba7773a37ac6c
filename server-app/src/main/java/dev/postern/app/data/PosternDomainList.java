package dev.postern.app.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.james.core.Domain;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.api.DomainListException;

/**
 * James's DomainList answered the Postfix way: the domains of {@code mydestination}
 * (read-only, they belong to main.cf) plus the domains added through WebAdmin, which
 * are stored one per line in a file under {@code var/store/} and survive restarts.
 */
public class PosternDomainList implements DomainList {
    private final Set<Domain> configured;
    private final Domain defaultDomain;
    private final Path storeFile;
    private final Set<Domain> stored = new TreeSet<>((a, b) -> a.asString().compareTo(b.asString()));

    public PosternDomainList(Set<Domain> configured, Domain defaultDomain, Path storeFile) {
        this.configured = Set.copyOf(configured);
        this.defaultDomain = defaultDomain;
        this.storeFile = storeFile;
        load();
    }

    @Override
    public synchronized List<Domain> getDomains() {
        return Stream.concat(configured.stream().sorted((a, b) -> a.asString().compareTo(b.asString())), stored.stream())
            .distinct()
            .toList();
    }

    @Override
    public synchronized boolean containsDomain(Domain domain) {
        return configured.contains(domain) || stored.contains(domain);
    }

    @Override
    public synchronized void addDomain(Domain domain) throws DomainListException {
        if (containsDomain(domain)) {
            throw new DomainListException(domain.asString() + " already exists");
        }
        stored.add(domain);
        save();
    }

    @Override
    public synchronized void removeDomain(Domain domain) throws DomainListException {
        if (configured.contains(domain)) {
            throw new DomainListException(domain.asString()
                + " is listed in main.cf (mydestination) and cannot be removed through WebAdmin");
        }
        if (!stored.remove(domain)) {
            throw new DomainListException(domain.asString() + " was not found");
        }
        save();
    }

    @Override
    public Domain getDefaultDomain() {
        return defaultDomain;
    }

    private void load() {
        if (!Files.exists(storeFile)) {
            return;
        }
        try {
            Files.readAllLines(storeFile, StandardCharsets.UTF_8).stream()
                .map(String::trim)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .map(Domain::of)
                .forEach(stored::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read domains file " + storeFile, e);
        }
    }

    private void save() throws DomainListException {
        String contents = "# domains added through WebAdmin (virtual mailbox domains); one per line\n"
            + stored.stream().map(Domain::asString).map(d -> d + "\n").collect(Collectors.joining());
        try {
            DurableFiles.replace(storeFile, contents.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new DomainListException("cannot write domains file " + storeFile + ": " + e.getMessage(), e);
        }
    }
}
