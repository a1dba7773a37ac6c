package dev.postern.smtpd;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import dev.postern.config.ComponentParameters;
import dev.postern.milter.MilterDefaultAction;
import dev.postern.milter.MilterEndpoint;
import dev.postern.milter.MilterSettings;
import dev.postern.milter.MilterStage;

/**
 * A listener's {@code smtpd_milters}, each with the {@code milter_*} parameters, and the values
 * of the macros that come from the configuration ({@code j}, {@code {daemon_name}}, {@code v}).
 * A relative {@code unix:} path is taken against Postern's working directory, its home. With
 * {@code soft_bounce = yes} a filter's 5xx reply is sent as 4xx, as Postfix does.
 */
record SmtpdMilters(List<MilterSettings> milters, String myhostname, String daemonName, String v, boolean softBounce) {

    SmtpdMilters {
        milters = List.copyOf(milters);
    }

    static SmtpdMilters of(ComponentParameters parameters) {
        List<MilterSettings> milters = new ArrayList<>();
        List<String> names = parameters.list("smtpd_milters");
        if (names.isEmpty()) {
            return new SmtpdMilters(List.of(), "", "", "", false);
        }
        Map<MilterStage, List<String>> macros = new EnumMap<>(MilterStage.class);
        for (MilterStage stage : MilterStage.values()) {
            macros.put(stage, Arrays.stream(parameters.get(stage.parameter()).trim().split("[\\s,]+"))
                .filter(name -> !name.isEmpty()).toList());
        }
        MilterDefaultAction action = MilterDefaultAction.parse(parameters.get("milter_default_action"));
        int protocol = protocol(parameters.get("milter_protocol"));
        for (String name : names) {
            if (name.startsWith("{") || name.endsWith("}")) {
                throw new IllegalArgumentException("smtpd_milters: per-milter settings { ... } are not supported: "
                    + name + " (use the milter_* parameters)");
            }
            milters.add(new MilterSettings(MilterEndpoint.parse(name, Path.of("").toAbsolutePath()),
                parameters.duration("milter_connect_timeout"), parameters.duration("milter_command_timeout"),
                parameters.duration("milter_content_timeout"), action, protocol, macros));
        }
        return new SmtpdMilters(milters, parameters.get("myhostname").trim(),
            parameters.get("milter_macro_daemon_name").trim(), parameters.get("milter_macro_v").trim(),
            parameters.bool("soft_bounce"));
    }

    /** The version number of {@code milter_protocol}, which may also name options such as {@code no_header_reply}. */
    private static int protocol(String value) {
        for (String word : value.trim().split("[\\s,]+")) {
            if (word.matches("\\d+")) {
                return Integer.parseInt(word);
            }
        }
        throw new IllegalArgumentException("milter_protocol = " + value + ": no protocol version");
    }

    boolean isEmpty() {
        return milters.isEmpty();
    }
}
