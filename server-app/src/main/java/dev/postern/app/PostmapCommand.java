package dev.postern.app;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;



import dev.postern.address.AccessKeys;
import dev.postern.address.AddressResolver;
import dev.postern.address.ParentStyle;
import dev.postern.address.ResolvedAddress;
import dev.postern.address.ResolverParameters;
import dev.postern.config.ConfigException;
import dev.postern.config.MainCf;
import dev.postern.tables.LookupException;
import dev.postern.tables.LookupTable;
import dev.postern.tables.TableRegistry;
import dev.postern.tables.TableSearch;

/**
 * {@code postern postmap -q KEY type:name...}: queries the tables in order and prints the
 * first value found, as Postfix's {@code postmap -q} does. Exit status 0 when found, 1 when
 * not found, 2 when a lookup failed or a table cannot be opened (Postfix exits 1 for both;
 * telling them apart lets scripts notice a broken table). Relative table paths resolve
 * against the home, as in main.cf.
 *
 * <p>{@code -a client|sender|recipient|helo} runs smtpd's access(5) search instead of one
 * exact query, with the home's main.cf ({@code recipient_delimiter},
 * {@code parent_domain_matches_subdomains}, the resolver's settings), and prints the key that
 * matched and its value. A client is given as {@code name[address]} or an address.
 */
final class PostmapCommand {
    static final int FOUND = 0;
    static final int NOT_FOUND = 1;
    static final int FAILED = 2;
    static final String USAGE = "usage: postern postmap [-a client|sender|recipient|helo] -q KEY type:name [type:name...]";

    private final PosternHome home;
    private final Supplier<MainCf> mainCf;
    private final PrintStream out;
    private final PrintStream err;

    PostmapCommand(PosternHome home, Supplier<MainCf> mainCf, PrintStream out, PrintStream err) {
        this.home = home;
        this.mainCf = mainCf;
        this.out = out;
        this.err = err;
    }

    int run(List<String> arguments) {
        Optional<String> key = Optional.empty();
        Optional<String> access = Optional.empty();
        List<String> tables = new ArrayList<>();
        for (int i = 0; i < arguments.size(); i++) {
            if (arguments.get(i).equals("-q") && i + 1 < arguments.size()) {
                key = Optional.of(arguments.get(++i));
            } else if (arguments.get(i).equals("-a") && i + 1 < arguments.size()) {
                access = Optional.of(arguments.get(++i));
            } else {
                tables.add(arguments.get(i));
            }
        }
        if (key.isEmpty() || tables.isEmpty() || access.filter(kind -> !ACCESS_KINDS.contains(kind)).isPresent()) {
            err.println("postern: " + USAGE);
            return FAILED;
        }
        try (TableRegistry registry = new TableRegistry(home.home())) {
            return access.isPresent() ? walk(registry, access.get(), key.get(), tables) : query(registry, key.get(), tables);
        }
    }

    private static final List<String> ACCESS_KINDS = List.of("client", "sender", "recipient", "helo");

    private int walk(TableRegistry registry, String kind, String key, List<String> specs) {
        try {
            List<LookupTable> tables = new ArrayList<>();
            for (String spec : specs) {
                tables.add(registry.open(spec));
            }
            Optional<TableSearch.Hit> match = accessKeys(mainCf.get(), kind, key).walk(new TableSearch("postmap", tables));
            if (match.isEmpty()) {
                return NOT_FOUND;
            }
            out.println(match.get().key().text() + "\t" + match.get().value() + "\t" + match.get().table().name());
            return FOUND;
        } catch (ConfigException e) {
            err.println("postmap: fatal: " + e.getMessage());
            return FAILED;
        } catch (LookupException e) {
            err.println("postmap: fatal: access lookup of \"" + key + "\" failed: " + e.getMessage());
            return FAILED;
        }
    }

    private static AccessKeys accessKeys(MainCf cf, String kind, String key) throws LookupException {
        ParentStyle style = ParentStyle.of(cf.list("parent_domain_matches_subdomains"), ParentStyle.SMTPD_ACCESS_MAPS);
        return switch (kind) {
            case "client" -> {
                int open = key.indexOf('[');
                boolean named = open > 0 && key.endsWith("]");
                yield AccessKeys.forClient(named ? key.substring(0, open) : "unknown",
                    named ? key.substring(open + 1, key.length() - 1) : key, style);
            }
            case "helo" -> AccessKeys.forHelo(key, style);
            default -> {
                AddressResolver resolver = new AddressResolver(ResolverParameters.from(cf),
                    domain -> cf.list("mydestination").contains(domain));
                ResolvedAddress address = kind.equals("sender") ? resolver.resolveSender(key) : resolver.resolveRecipient(key);
                if (address.isError()) {
                    throw new LookupException("bad address syntax: " + address.reason());
                }
                yield AccessKeys.forAddress(address, cf.get("recipient_delimiter"), style);
            }
        };
    }

    private int query(TableRegistry registry, String key, List<String> tables) {
        for (String spec : tables) {
            try {
                LookupTable table = registry.open(spec);
                Optional<String> value = table.lookup(key);
                if (value.isPresent()) {
                    out.println(value.get());
                    return FOUND;
                }
            } catch (ConfigException e) {
                err.println("postmap: fatal: " + e.getMessage());
                return FAILED;
            } catch (LookupException e) {
                err.println("postmap: fatal: table " + spec + ": lookup of \"" + key + "\" failed: " + e.getMessage());
                return FAILED;
            }
        }
        return NOT_FOUND;
    }
}
