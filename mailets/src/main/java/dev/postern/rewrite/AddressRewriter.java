package dev.postern.rewrite;

import java.util.Set;

import dev.postern.tables.LookupException;

/**
 * cleanup's rewriting of one address, in Postfix's order: {@code sender_canonical_maps} (or
 * {@code recipient_canonical_maps}), then {@code canonical_maps}, then {@code masquerade_domains},
 * each only for the address kinds its {@code *_classes} parameter names.
 */
public final class AddressRewriter {
    private final CanonicalMap senderCanonical;
    private final Set<AddressKind> senderCanonicalClasses;
    private final CanonicalMap recipientCanonical;
    private final Set<AddressKind> recipientCanonicalClasses;
    private final CanonicalMap canonical;
    private final Set<AddressKind> canonicalClasses;
    private final Masquerade masquerade;
    private final Set<AddressKind> masqueradeClasses;

    public AddressRewriter(CanonicalMap senderCanonical, Set<AddressKind> senderCanonicalClasses,
            CanonicalMap recipientCanonical, Set<AddressKind> recipientCanonicalClasses,
            CanonicalMap canonical, Set<AddressKind> canonicalClasses,
            Masquerade masquerade, Set<AddressKind> masqueradeClasses) {
        this.senderCanonical = senderCanonical;
        this.senderCanonicalClasses = Set.copyOf(senderCanonicalClasses);
        this.recipientCanonical = recipientCanonical;
        this.recipientCanonicalClasses = Set.copyOf(recipientCanonicalClasses);
        this.canonical = canonical;
        this.canonicalClasses = Set.copyOf(canonicalClasses);
        this.masquerade = masquerade;
        this.masqueradeClasses = Set.copyOf(masqueradeClasses);
    }

    /** Whether any rewriting applies to this kind of address: if none, the message need not be read. */
    public boolean rewrites(AddressKind kind) {
        return (kind.isSender() ? applies(senderCanonical, senderCanonicalClasses, kind)
                : applies(recipientCanonical, recipientCanonicalClasses, kind))
            || applies(canonical, canonicalClasses, kind)
            || (!masquerade.isEmpty() && masqueradeClasses.contains(kind));
    }

    private static boolean applies(CanonicalMap map, Set<AddressKind> classes, AddressKind kind) {
        return !map.isEmpty() && classes.contains(kind);
    }

    /**
     * @param address internal form, not empty
     * @return the rewritten address, or the address itself
     * @throws LookupException when a table fails or a canonical chain nests too deep
     */
    public String rewrite(String address, AddressKind kind) throws LookupException {
        String result = address;
        if (kind.isSender() && senderCanonicalClasses.contains(kind)) {
            result = senderCanonical.rewrite(result);
        }
        if (!kind.isSender() && recipientCanonicalClasses.contains(kind)) {
            result = recipientCanonical.rewrite(result);
        }
        if (canonicalClasses.contains(kind)) {
            result = canonical.rewrite(result);
        }
        if (masqueradeClasses.contains(kind)) {
            result = masquerade.rewrite(result);
        }
        return result;
    }
}
