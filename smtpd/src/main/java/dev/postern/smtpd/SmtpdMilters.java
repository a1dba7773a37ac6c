package dev.postern.smtpd;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

import dev.postern.cleanup.MilterHeaderChecks;
import dev.postern.config.ComponentParameters;
import dev.postern.milter.MilterList;
import dev.postern.milter.MilterReply;
import dev.postern.milter.MilterSettings;
import dev.postern.tables.LookupException;
import dev.postern.tables.LookupTable;

/**
 * A listener's {@code smtpd_milters}, each with the {@code milter_*} parameters, its
 * {@code smtpd_milter_maps} (per-client lists that replace {@code smtpd_milters}), and the values
 * of the macros that come from the configuration ({@code j}, {@code {daemon_name}}, {@code v}).
 * With {@code soft_bounce = yes} a filter's 5xx reply is sent as 4xx, as Postfix does. The headers the
 * filters add or change pass {@code milter_header_checks} first.
 */
record SmtpdMilters(List<MilterSettings> milters, List<LookupTable> maps, MilterList shared, String myhostname,
        String daemonName, String v, boolean softBounce, MilterHeaderChecks headerChecks) {
    /** What a failed {@code smtpd_milter_maps} lookup answers: the client's mail is not taken unfiltered. */
    static final MilterReply LOOKUP_FAILURE = new MilterReply(MilterReply.Kind.TEMPFAIL, 451, "4.3.0",
        "Server configuration error");

    SmtpdMilters {
        milters = List.copyOf(milters);
        maps = List.copyOf(maps);
    }

    /** The filters one client gets, or the refusal its session gets instead when they cannot be known. */
    record ClientMilters(List<MilterSettings> milters, Optional<String> warning) {
    }

    static SmtpdMilters of(ComponentParameters parameters, Function<String, LookupTable> tables) {
        List<String> names = parameters.list("smtpd_milters");
        List<String> mapNames = parameters.list("smtpd_milter_maps");
        if (names.isEmpty() && mapNames.isEmpty()) {
            return new SmtpdMilters(List.of(), List.of(), null, "", "", "", false, MilterHeaderChecks.none());
        }
        MilterList shared = MilterList.of(parameters);
        return new SmtpdMilters(shared.settings(names, "smtpd_milters"), mapNames.stream().map(tables).toList(),
            shared, parameters.get("myhostname").trim(), parameters.get("milter_macro_daemon_name").trim(),
            parameters.get("milter_macro_v").trim(), parameters.bool("soft_bounce"),
            MilterHeaderChecks.open(parameters.list("milter_header_checks"), tables,
                Math.toIntExact(parameters.number("header_size_limit"))));
    }

    boolean isEmpty() {
        return milters.isEmpty() && maps.isEmpty();
    }

    /**
     * Postfix's {@code smtpd_milter_maps}: the first table with an entry for the client's address
     * gives its filters ({@code DISABLE}, in any case, for none); with no entry it gets
     * {@code smtpd_milters}. A lookup that fails, or a result that is no milter list, leaves the
     * client without filters and with a warning: its session is refused rather than filtered by
     * the wrong list or by none.
     */
    ClientMilters forClient(String address) {
        for (LookupTable table : maps) {
            Optional<String> found;
            try {
                found = table.lookup(address);
            } catch (LookupException e) {
                return new ClientMilters(List.of(), Optional.of("smtpd_milter_maps lookup error for " + address + ": "
                    + e.getMessage()));
            }
            if (found.isEmpty()) {
                continue;
            }
            String value = found.get().trim();
            if (value.toLowerCase(Locale.ROOT).equals("disable")) {
                return new ClientMilters(List.of(), Optional.empty());
            }
            try {
                return new ClientMilters(shared.settings(value, "smtpd_milter_maps " + table.name() + " result for "
                    + address), Optional.empty());
            } catch (IllegalArgumentException e) {
                return new ClientMilters(List.of(), Optional.of(e.getMessage()));
            }
        }
        return new ClientMilters(milters, Optional.empty());
    }
}
