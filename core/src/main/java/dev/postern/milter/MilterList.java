package dev.postern.milter;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import dev.postern.config.ComponentParameters;
import dev.postern.config.PostfixList;

/**
 * The {@code milter_*} parameters every filter of a list shares, turning a milter list
 * ({@code smtpd_milters}, {@code non_smtpd_milters}, a {@code smtpd_milter_maps} result) into
 * each filter's {@link MilterSettings}. A relative {@code unix:} path is taken against
 * {@code home}, Postern's working directory.
 */
public record MilterList(Duration connectTimeout, Duration commandTimeout, Duration contentTimeout,
        MilterDefaultAction defaultAction, int protocol, Map<MilterStage, List<String>> macros, Path home) {

    public MilterList {
        Map<MilterStage, List<String>> copy = new EnumMap<>(MilterStage.class);
        macros.forEach((stage, names) -> copy.put(stage, List.copyOf(names)));
        macros = Map.copyOf(copy);
    }

    /** The shared settings from the {@code milter_*} parameters; a bad value names its parameter. */
    public static MilterList of(ComponentParameters parameters) {
        Map<MilterStage, List<String>> macros = new EnumMap<>(MilterStage.class);
        for (MilterStage stage : MilterStage.values()) {
            macros.put(stage, Arrays.stream(parameters.get(stage.parameter()).trim().split("[\\s,]+"))
                .filter(name -> !name.isEmpty()).toList());
        }
        return new MilterList(parameters.duration("milter_connect_timeout"),
            parameters.duration("milter_command_timeout"), parameters.duration("milter_content_timeout"),
            MilterDefaultAction.parse(parameters.get("milter_default_action")),
            protocol(parameters.get("milter_protocol")), macros, Path.of("").toAbsolutePath());
    }

    /**
     * Each filter of a list in Postfix list syntax, in order.
     *
     * @param where what the list is, for errors ({@code smtpd_milters}, {@code smtpd_milter_maps result})
     */
    public List<MilterSettings> settings(String list, String where) {
        return settings(PostfixList.split(list), where);
    }

    /** Each filter of a list already split into names, in order. */
    public List<MilterSettings> settings(List<String> names, String where) {
        List<MilterSettings> milters = new ArrayList<>();
        for (String name : names) {
            if (name.startsWith("{") || name.endsWith("}")) {
                throw new IllegalArgumentException(where + ": per-milter settings { ... } are not supported: "
                    + name + " (use the milter_* parameters)");
            }
            milters.add(new MilterSettings(MilterEndpoint.parse(name, home), connectTimeout, commandTimeout,
                contentTimeout, defaultAction, protocol, macros));
        }
        return List.copyOf(milters);
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
}
