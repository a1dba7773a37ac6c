package dev.postern.rewrite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import dev.postern.address.AddressClassifier;
import dev.postern.address.AddressMapLookup;
import dev.postern.address.DomainMatchList;
import dev.postern.config.ComponentParameters;
import dev.postern.tables.LookupTable;

/**
 * Builds cleanup's rewriting from parameters by their Postfix names: the address maps
 * ({@code canonical_maps}, {@code virtual_alias_maps}, the bcc maps), their lookup order
 * ({@code recipient_delimiter}, {@code $myorigin}, {@code mydestination},
 * {@code inet_interfaces}, {@code proxy_interfaces}), {@code propagate_unmatched_extensions},
 * and {@code masquerade_*}.
 */
public final class CleanupMaps {
    private final ComponentParameters parameters;
    private final Function<String, LookupTable> tables;
    private final AddressMapLookup lookup;
    private final List<String> propagate;

    /**
     * @param tables opens a {@code type:name} table; a bad table is an {@link IllegalArgumentException}
     * @throws IllegalArgumentException naming the parameter at fault
     */
    public CleanupMaps(ComponentParameters parameters, Function<String, LookupTable> tables) {
        this.parameters = parameters;
        this.tables = tables;
        AddressClassifier classifier;
        try {
            classifier = AddressClassifier.fromParameters(parameters::get,
                AddressClassifier.ownAddresses(parameters.list("inet_interfaces"), parameters.list("proxy_interfaces")),
                tables, domain -> false);
        } catch (IOException e) {
            throw new UncheckedIOException("inet_interfaces/proxy_interfaces: " + e.getMessage(), e);
        }
        this.lookup = new AddressMapLookup(parameters.get("recipient_delimiter"), myorigin(), classifier::isLocal);
        this.propagate = parameters.list("propagate_unmatched_extensions").stream()
            .map(item -> item.toLowerCase(Locale.ROOT)).toList();
        for (String item : propagate) {
            if (!List.of("canonical", "virtual", "alias", "forward", "include").contains(item)) {
                throw new IllegalArgumentException("propagate_unmatched_extensions: unknown item \"" + item
                    + "\"; expected canonical, virtual, alias, forward or include");
            }
        }
    }

    public AddressMapLookup lookup() {
        return lookup;
    }

    public String myorigin() {
        return parameters.get("myorigin").trim();
    }

    /**
     * One map parameter.
     *
     * @param extensionClass the {@code propagate_unmatched_extensions} item that makes it copy
     *                       unmatched extensions ({@code canonical}, {@code virtual}), or null for never
     */
    public AddressMap map(String parameter, String extensionClass) {
        List<LookupTable> opened = parameters.list(parameter).stream().map(tables).toList();
        return new AddressMap(parameter, opened, lookup, extensionClass != null && propagate.contains(extensionClass),
            myorigin());
    }

    /** sender/recipient canonical maps, canonical_maps and masquerading, with their classes. */
    public AddressRewriter rewriter() {
        return new AddressRewriter(
            new CanonicalMap(map("sender_canonical_maps", "canonical")), classes("sender_canonical_classes"),
            new CanonicalMap(map("recipient_canonical_maps", "canonical")), classes("recipient_canonical_classes"),
            new CanonicalMap(map("canonical_maps", "canonical")), classes("canonical_classes"),
            new Masquerade(parameters.list("masquerade_domains"),
                DomainMatchList.strings("masquerade_exceptions", parameters.list("masquerade_exceptions"), tables)),
            classes("masquerade_classes"));
    }

    public VirtualAliasExpander virtualAliases() {
        return new VirtualAliasExpander(map("virtual_alias_maps", "virtual"),
            parameters.number("virtual_alias_recursion_limit"), parameters.number("virtual_alias_expansion_limit"));
    }

    private java.util.Set<AddressKind> classes(String parameter) {
        return AddressKind.parse(parameter, parameters.list(parameter));
    }
}
