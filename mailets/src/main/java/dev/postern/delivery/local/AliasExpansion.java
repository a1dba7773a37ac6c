package dev.postern.delivery.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.mail.internet.AddressException;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.postern.address.LocalMailboxes;
import dev.postern.tables.AliasList;
import dev.postern.tables.LookupException;
import dev.postern.tables.TableSearch;

/**
 * What an alias or an include file expands to, as Postfix's local(8) reads them in {@code alias.c} and
 * {@code include.c}: the {@code alias_maps} entry of a local part (then of the local part without its
 * {@code recipient_delimiter} extension), the lines of an {@code :include:} file, and the envelope sender
 * that errors go to ({@code owner-NAME} when such an alias exists). It only reads; {@link LocalCourier}
 * delivers what the destinations name, coming back here for nested aliases and include files.
 */
final class AliasExpansion {
    private static final Logger LOGGER = LoggerFactory.getLogger(AliasExpansion.class);
    /** How deep aliases may nest (aliases naming aliases, include files naming include files). */
    static final int DEPTH_LIMIT = 20;

    private final TableSearch aliases;
    private final LocalMailboxes mailboxes;
    private final String myhostname;
    private final Path home;

    /**
     * @param myhostname the domain of the {@code owner-} sender
     * @param home       the base of relative {@code :include:} paths
     */
    AliasExpansion(TableSearch aliases, LocalMailboxes mailboxes, String myhostname, Path home) {
        this.aliases = aliases;
        this.mailboxes = mailboxes;
        this.myhostname = myhostname;
        this.home = home;
    }

    /** Where one expansion stands: how deep, which context (alias or include), who gets its errors. */
    record Scope(int depth, String context, Optional<MaybeSender> owner, String self, boolean luserRelayed) {
        static final Scope TOP = new Scope(0, "alias", Optional.empty(), "", false);

        Scope into(String context, Optional<MaybeSender> owner, String self) {
            return new Scope(depth + 1, context, owner, self, luserRelayed);
        }

        /** The scope of {@code luser_relay}'s address, which must not be relayed again. */
        Scope relayed() {
            return new Scope(depth + 1, "alias", owner, self, true);
        }

        boolean tooDeep() {
            return depth > DEPTH_LIMIT;
        }
    }

    /** An alias entry, found by the name in {@code name}. */
    record Alias(String name, String value) {
    }

    /** What a list expands to: its destinations in the scope they are delivered in, or why it cannot be read. */
    sealed interface Listing {
    }

    record Destinations(List<AliasDestination> destinations, Scope scope) implements Listing {
    }

    record Unreadable(LocalOutcome outcome) implements Listing {
    }

    /** The alias of a local part: by the whole local part, then without its extension. */
    Optional<Alias> find(String localPart) throws LookupException {
        Optional<Alias> found = lookup(localPart);
        String base = mailboxes.withoutExtension(localPart);
        return found.isPresent() || base.equals(localPart) ? found : lookup(base);
    }

    /** The destinations of an alias; errors go to {@code owner-NAME} when that alias exists, else as before. */
    Listing expand(Alias alias, Scope scope, Instant start) throws LookupException {
        List<String> destinations;
        try {
            destinations = AliasList.split(alias.value());
        } catch (IllegalArgumentException e) {
            return new Unreadable(LocalOutcome.deferred("4.3.5", "alias \"" + alias.name() + "\": " + e.getMessage(), start));
        }
        Optional<MaybeSender> owner = lookup("owner-" + alias.name()).isPresent()
            ? ownerSender(alias.name()).or(scope::owner)
            : scope.owner();
        return listing(destinations, scope.into("alias", owner, alias.name()));
    }

    /**
     * The destinations of an {@code :include:} file: one or more a line, {@code #} comments. A file that
     * cannot be read defers (the administrator can fix it); one with no destination bounces.
     */
    Listing include(Path file, Scope scope, Instant start) {
        List<String> destinations = new ArrayList<>();
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                try {
                    destinations.addAll(AliasList.split(line));
                } catch (IllegalArgumentException e) {
                    return new Unreadable(LocalOutcome.deferred("4.3.5", file + ":" + (i + 1) + ": " + e.getMessage(), start));
                }
            }
        } catch (IOException e) {
            LOGGER.warn("cannot read include file {}", file, e);
            return new Unreadable(LocalOutcome.deferred("4.3.0", "cannot open include file " + file + ": "
                + LocalCourier.describe(e), start));
        }
        if (destinations.isEmpty()) {
            return new Unreadable(LocalOutcome.bounced("5.1.1", "include file " + file + " has no destination", start));
        }
        return listing(destinations, scope.into("include", scope.owner(), scope.self()));
    }

    private Listing listing(List<String> texts, Scope scope) {
        return new Destinations(texts.stream().map(text -> AliasDestination.parse(text, home)).toList(), scope);
    }

    private Optional<Alias> lookup(String name) throws LookupException {
        return aliases.find(name).map(hit -> new Alias(name, hit.value()));
    }

    /** {@code owner-NAME@$myhostname}, when that is an address (alias names may hold spaces). */
    private Optional<MaybeSender> ownerSender(String name) {
        try {
            return Optional.of(MaybeSender.of(new MailAddress("owner-" + name + "@" + myhostname)));
        } catch (AddressException e) {
            return Optional.empty();
        }
    }
}
