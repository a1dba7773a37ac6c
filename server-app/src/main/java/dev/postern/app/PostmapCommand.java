package dev.postern.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
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
import dev.postern.tables.SequencedTable;
import dev.postern.tables.TableRegistry;
import dev.postern.tables.TableSearch;

/**
 * {@code postern postmap} and {@code postern postalias}: the query side of Postfix's table tools
 * (Postern reads table sources directly, so there is nothing to build).
 *
 * <ul>
 * <li>{@code -q KEY TABLE...}: queries the tables in order and prints the first value found;</li>
 * <li>{@code -q - TABLE...}: reads one key per line from standard input and prints
 * {@code key<TAB>value} for each key found (postalias: {@code key:<TAB>value}), as Postfix does;</li>
 * <li>{@code -s TABLE}: prints every entry of the first table as {@code key<TAB>value} (postalias:
 * {@code key:<TAB>value}); pattern tables have no entries to list, as in Postfix.</li>
 * </ul>
 *
 * A table without a type is {@code hash:}, Postfix's {@code default_database_type}; postalias
 * reads file tables in aliases(5) format. Exit status 0 when found (for {@code -q -}: at least one
 * key), 1 when not found, 2 when a lookup failed, a table cannot be opened or the command line is
 * wrong (Postfix exits 1 for both; telling them apart lets scripts notice a broken table). Relative
 * table paths resolve against the home, as in main.cf. Warnings about a table's lines go to
 * standard error as {@code postern: warning: FILE, line N: ...} (the command-line tools' logging).
 *
 * <p>postmap's {@code -a client|sender|recipient|helo} runs smtpd's access(5) search instead of one
 * exact query, with the home's main.cf ({@code recipient_delimiter},
 * {@code parent_domain_matches_subdomains}, the resolver's settings), and prints the key that
 * matched and its value. A client is given as {@code name[address]} or an address.
 */
final class PostmapCommand {
    static final int FOUND = 0;
    static final int NOT_FOUND = 1;
    static final int FAILED = 2;
    static final String USAGE = "usage: postern postmap [-a client|sender|recipient|helo] -q KEY|- [type:]name..."
        + " | postern postmap -s [type:]name";
    static final String ALIAS_USAGE = "usage: postern postalias -q KEY|- [type:]name... | postern postalias -s [type:]name";
    /** Postfix's default_database_type, for a table named without its type. */
    private static final String DEFAULT_TYPE = "hash";
    private static final List<String> ACCESS_KINDS = List.of("client", "sender", "recipient", "helo");

    private final PosternHome home;
    private final Supplier<MainCf> mainCf;
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean aliases;

    /** postmap: ordinary tables. */
    PostmapCommand(PosternHome home, Supplier<MainCf> mainCf, InputStream in, PrintStream out, PrintStream err) {
        this(home, mainCf, in, out, err, false);
    }

    private PostmapCommand(PosternHome home, Supplier<MainCf> mainCf, InputStream in, PrintStream out, PrintStream err,
                           boolean aliases) {
        this.home = home;
        this.mainCf = mainCf;
        this.in = in;
        this.out = out;
        this.err = err;
        this.aliases = aliases;
    }

    /** postalias: file tables read as aliases(5) files, keys printed with their colon. */
    static PostmapCommand postalias(PosternHome home, InputStream in, PrintStream out, PrintStream err) {
        return new PostmapCommand(home, () -> {
            throw new IllegalStateException("postalias reads no main.cf");
        }, in, out, err, true);
    }

    /** What the command line asks for. */
    private record Request(Optional<String> key, boolean sequence, Optional<String> access, List<String> tables) {
        boolean valid() {
            return !tables.isEmpty() && key.isPresent() != sequence
                && access.map(ACCESS_KINDS::contains).orElse(true) && !(sequence && access.isPresent());
        }
    }

    int run(List<String> arguments) {
        Request request = parse(arguments);
        if (!request.valid() || aliases && request.access().isPresent()) {
            err.println("postern: " + (aliases ? ALIAS_USAGE : USAGE));
            return FAILED;
        }
        List<String> tables = request.tables().stream().map(PostmapCommand::withType).toList();
        try (TableRegistry registry = new TableRegistry(home.home())) {
            if (request.sequence()) {
                return sequence(registry, tables.get(0));
            }
            String key = request.key().get();
            if (request.access().isPresent()) {
                return walk(registry, request.access().get(), key, tables);
            }
            return key.equals("-") ? queryStandardInput(registry, tables) : query(registry, key, tables);
        }
    }

    private static Request parse(List<String> arguments) {
        Optional<String> key = Optional.empty();
        Optional<String> access = Optional.empty();
        boolean sequence = false;
        List<String> tables = new ArrayList<>();
        for (int i = 0; i < arguments.size(); i++) {
            String argument = arguments.get(i);
            if (argument.equals("-q") && i + 1 < arguments.size()) {
                key = Optional.of(arguments.get(++i));
            } else if (argument.equals("-a") && i + 1 < arguments.size()) {
                access = Optional.of(arguments.get(++i));
            } else if (argument.equals("-s")) {
                sequence = true;
            } else {
                tables.add(argument);
            }
        }
        return new Request(key, sequence, access, tables);
    }

    /** {@code name} alone is {@code hash:name}, as Postfix's default_database_type makes it. */
    private static String withType(String table) {
        return table.indexOf(':') > 0 ? table : DEFAULT_TYPE + ":" + table;
    }

    private LookupTable open(TableRegistry registry, String spec) throws ConfigException {
        return aliases ? registry.openAliases(spec) : registry.open(spec);
    }

    /** {@code key<TAB>value}; postalias writes the key as it appears in an aliases file, with its colon. */
    private String entry(String key, String value) {
        return key + (aliases ? ":" : "") + "\t" + value;
    }

    private int sequence(TableRegistry registry, String spec) {
        try {
            if (!(open(registry, spec) instanceof SequencedTable table)) {
                err.println("postern: fatal: table " + spec + ": sequence operation is not supported");
                return FAILED;
            }
            Map<String, String> entries = table.entries();
            entries.forEach((key, value) -> out.println(entry(key, value)));
            return entries.isEmpty() ? NOT_FOUND : FOUND;
        } catch (ConfigException e) {
            err.println("postern: fatal: " + e.getMessage());
            return FAILED;
        }
    }

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
            err.println("postern: fatal: " + e.getMessage());
            return FAILED;
        } catch (LookupException e) {
            err.println("postern: fatal: access lookup of \"" + key + "\" failed: " + e.getMessage());
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

    /** One key: its first value alone, as {@code postmap -q KEY} prints it. */
    private int query(TableRegistry registry, String key, List<String> specs) {
        try {
            Optional<String> value = firstValue(open(registry, specs), key);
            value.ifPresent(out::println);
            return value.isPresent() ? FOUND : NOT_FOUND;
        } catch (ConfigException e) {
            err.println("postern: fatal: " + e.getMessage());
            return FAILED;
        } catch (LookupException e) {
            err.println("postern: fatal: " + e.getMessage());
            return FAILED;
        }
    }

    /**
     * {@code -q -}: every line of standard input is a key, as written (an empty line finds
     * nothing); each one found is printed with its value. Found when at least one was.
     */
    private int queryStandardInput(TableRegistry registry, List<String> specs) {
        boolean found = false;
        try {
            List<LookupTable> tables = open(registry, specs);
            BufferedReader keys = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String key = keys.readLine(); key != null; key = keys.readLine()) {
                Optional<String> value = firstValue(tables, key);
                if (value.isPresent()) {
                    out.println(entry(key, value.get()));
                    found = true;
                }
            }
            return found ? FOUND : NOT_FOUND;
        } catch (ConfigException e) {
            err.println("postern: fatal: " + e.getMessage());
            return FAILED;
        } catch (LookupException e) {
            err.println("postern: fatal: " + e.getMessage());
            return FAILED;
        } catch (IOException e) {
            err.println("postern: fatal: cannot read the keys from standard input: " + e.getMessage());
            return FAILED;
        }
    }

    /** Every table is opened before the first query, so that a bad table fails before any output. */
    private List<LookupTable> open(TableRegistry registry, List<String> specs) throws ConfigException {
        List<LookupTable> tables = new ArrayList<>();
        for (String spec : specs) {
            tables.add(open(registry, spec));
        }
        return tables;
    }

    private static Optional<String> firstValue(List<LookupTable> tables, String key) throws LookupException {
        for (LookupTable table : tables) {
            Optional<String> value;
            try {
                value = table.lookup(key);
            } catch (LookupException e) {
                throw new LookupException("table " + table.name() + ": lookup of \"" + key + "\" failed: "
                    + e.getMessage(), e);
            }
            if (value.isPresent()) {
                return value;
            }
        }
        return Optional.empty();
    }
}
