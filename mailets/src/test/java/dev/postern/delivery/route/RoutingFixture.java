package dev.postern.delivery.route;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;

import dev.postern.address.AddressClassifier;
import dev.postern.config.ComponentParameters;
import dev.postern.config.ConfigException;
import dev.postern.config.MainCf;
import dev.postern.tables.LookupException;
import dev.postern.tables.LookupTable;
import dev.postern.tables.TableRegistry;

/**
 * A RouteResolver over a real main.cf and real core tables, files written in a test's directory.
 * The classes: {@code mx.example.com} and {@code localhost} are local, {@code alias.example}
 * virtual alias, {@code mbox.example} virtual mailbox, {@code runtime.example} a domain added at
 * run time, {@code relay.example} relay; anything else is the default class.
 */
final class RoutingFixture implements AutoCloseable {
    static final Map<String, String> BASE = Map.of(
        "myhostname", "mx.example.com",
        "mydestination", "$myhostname, localhost",
        "virtual_alias_domains", "alias.example",
        "virtual_mailbox_domains", "mbox.example",
        "relay_domains", "relay.example");

    private final Path dir;
    private final TableRegistry registry;
    private final Map<String, String> parameters = new LinkedHashMap<>(BASE);
    private final List<String> opened = new ArrayList<>();

    RoutingFixture(Path dir) {
        this.dir = dir;
        this.registry = new TableRegistry(dir);
    }

    /** Sets a main.cf parameter (an empty value keeps the line, as {@code relayhost =} does). */
    RoutingFixture with(String name, String value) {
        parameters.put(name, value);
        return this;
    }

    /** Writes a table file in the test's directory; returns its name for {@code type:name}. */
    String file(String name, String... lines) {
        try {
            Files.writeString(dir.resolve(name), String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
            return name;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code type:name} strings the resolver opened, in order. */
    List<String> opened() {
        return List.copyOf(opened);
    }

    RouteResolver resolver() {
        List<String> lines = new ArrayList<>();
        parameters.forEach((name, value) -> lines.add(name + " = " + value));
        ComponentParameters component;
        try {
            component = ComponentParameters.of(MainCf.parse("main.cf", lines, Map.of()), name -> Optional.empty(), "test");
        } catch (ConfigException e) {
            throw new IllegalStateException(e);
        }
        Function<String, LookupTable> tables = spec -> {
            opened.add(spec);
            try {
                return registry.open(spec);
            } catch (ConfigException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        };
        AddressClassifier classifier = AddressClassifier.fromParameters(component::get, Set.of(),
            spec -> {
                try {
                    return registry.open(spec);
                } catch (ConfigException e) {
                    throw new IllegalArgumentException(e.getMessage(), e);
                }
            }, domain -> domain.equals("runtime.example"));
        return new RouteResolver(component, tables, classifier);
    }

    static MaybeSender sender(String address) {
        if (address.equals("<>")) {
            return MaybeSender.nullSender();
        }
        try {
            return MaybeSender.of(new MailAddress(address));
        } catch (javax.mail.internet.AddressException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static MailAddress address(String address) {
        try {
            return new MailAddress(address);
        } catch (javax.mail.internet.AddressException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** {@code transport:nexthop CLASS} for one recipient. */
    static String resolve(RouteResolver resolver, String recipient, String sender) throws LookupException {
        RecipientRoute route = resolver.resolve(address(recipient), sender(sender));
        return route.route() + " " + route.addressClass();
    }

    @Override
    public void close() {
        registry.close();
    }
}
