package dev.postern.app;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.postern.config.ConfigException;
import dev.postern.config.MainCf;
import dev.postern.config.Parameters;
import dev.postern.delivery.local.AliasDestination;
import dev.postern.tables.AliasList;
import dev.postern.tables.LookupTable;
import dev.postern.tables.SequencedTable;
import dev.postern.tables.TableRegistry;

/**
 * Every table of every {@code *_maps} parameter Postern implements, opened through the server's
 * {@link TableRegistry} (alias_maps as aliases(5) files), each failure reported with its parameter:
 * the components open the same tables at start, but each stops at its first bad table, and
 * {@code check} must name them all in one run. The {@code :include:} files of the aliases must be
 * readable (local delivery reads them only when mail arrives for the alias).
 */
final class TableParameterCheck {
    private static final String ALIAS_MAPS = "alias_maps";

    private final TableRegistry registry;

    TableParameterCheck(TableRegistry registry) {
        this.registry = registry;
    }

    /**
     * One problem: {@code text} names the parameter; {@code cause} is the table's own message, which
     * a component that opens the same table repeats inside its own (so it is said once).
     */
    record Found(String parameter, String text, String cause) {
    }

    List<Found> problems(MainCf mainCf, PosternHome home) {
        List<Found> problems = new ArrayList<>();
        for (String parameter : mainCf.explicitNames()) {
            if (!isTableList(parameter)) {
                continue;
            }
            for (String spec : mainCf.list(parameter)) {
                if (spec.indexOf(':') <= 0) {
                    continue; // not a type:name table; the component that reads the list judges it
                }
                try {
                    LookupTable table = parameter.equals(ALIAS_MAPS) ? registry.openAliases(spec) : registry.open(spec);
                    if (parameter.equals(ALIAS_MAPS)) {
                        problems.addAll(includeProblems(table, home));
                    }
                } catch (ConfigException e) {
                    problems.add(new Found(parameter, mainCf.origin(parameter) + ": " + parameter + ": " + e.getMessage(),
                        e.getMessage()));
                }
            }
        }
        return problems;
    }

    /**
     * Postfix's naming: a parameter ending in {@code _maps} is a list of tables. Only the parameters
     * Postern implements, and only as set in main.cf or the environment (Postern's own defaults of
     * these are empty): a Postfix parameter that is accepted but not used (say Postfix's default
     * {@code local_recipient_maps = proxy:unix:passwd.byname $alias_maps}) must not fail a check that
     * the start passes. Once parameters carry an implemented/inert/not-implemented status, this is
     * where "implemented" belongs instead of "known".
     */
    private static boolean isTableList(String parameter) {
        return parameter.endsWith("_maps") && Parameters.isKnown(parameter);
    }

    private static List<Found> includeProblems(LookupTable table, PosternHome home) {
        if (!(table instanceof SequencedTable aliases)) {
            return List.of();
        }
        List<Found> problems = new ArrayList<>();
        for (Map.Entry<String, String> alias : aliases.entries().entrySet()) {
            for (String destination : AliasList.split(alias.getValue())) {
                if (AliasDestination.parse(destination, home.home()) instanceof AliasDestination.Include include
                        && !Files.isReadable(include.path())) {
                    String cause = ":include: file " + include.path() + " cannot be read";
                    problems.add(new Found(ALIAS_MAPS, ALIAS_MAPS + ": " + table.name() + ": alias \"" + alias.getKey() + "\": " + cause,
                        cause));
                }
            }
        }
        return problems;
    }
}
