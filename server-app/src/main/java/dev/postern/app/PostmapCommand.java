package dev.postern.app;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.postern.config.ConfigException;
import dev.postern.tables.LookupException;
import dev.postern.tables.LookupTable;
import dev.postern.tables.TableRegistry;

/**
 * {@code postern postmap -q KEY type:name...}: queries the tables in order and prints the
 * first value found, as Postfix's {@code postmap -q} does. Exit status 0 when found, 1 when
 * not found, 2 when a lookup failed or a table cannot be opened (Postfix exits 1 for both;
 * telling them apart lets scripts notice a broken table). Relative table paths resolve
 * against the home, as in main.cf.
 */
final class PostmapCommand {
    static final int FOUND = 0;
    static final int NOT_FOUND = 1;
    static final int FAILED = 2;
    static final String USAGE = "usage: postern postmap -q KEY type:name [type:name...]";

    private final PosternHome home;
    private final PrintStream out;
    private final PrintStream err;

    PostmapCommand(PosternHome home, PrintStream out, PrintStream err) {
        this.home = home;
        this.out = out;
        this.err = err;
    }

    int run(List<String> arguments) {
        Optional<String> key = Optional.empty();
        List<String> tables = new ArrayList<>();
        for (int i = 0; i < arguments.size(); i++) {
            if (arguments.get(i).equals("-q") && i + 1 < arguments.size()) {
                key = Optional.of(arguments.get(++i));
            } else {
                tables.add(arguments.get(i));
            }
        }
        if (key.isEmpty() || tables.isEmpty()) {
            err.println("postern: " + USAGE);
            return FAILED;
        }
        try (TableRegistry registry = new TableRegistry(home.home())) {
            return query(registry, key.get(), tables);
        }
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
