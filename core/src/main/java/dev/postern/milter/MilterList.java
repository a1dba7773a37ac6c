package dev.postern.milter;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.postern.config.ComponentParameters;
import dev.postern.config.ParameterType;
import dev.postern.config.PostfixList;

/**
 * The {@code milter_*} parameters every filter of a list shares, turning a milter list
 * ({@code smtpd_milters}, {@code non_smtpd_milters}, a {@code smtpd_milter_maps} result) into
 * each filter's {@link MilterSettings}; Postfix's per-milter form {@code { endpoint, name=value, ... }}
 * overrides them for one filter. A relative {@code unix:} path is taken against
 * {@code home}, Postern's working directory.
 */
public record MilterList(Duration connectTimeout, Duration commandTimeout, Duration contentTimeout,
        MilterDefaultAction defaultAction, int protocol, Map<MilterStage, List<String>> macros, Path home) {

    private static final Pattern ENDPOINT = Pattern.compile("([^\\s,=]+)");
    private static final Pattern SETTING = Pattern.compile("(\\w+)\\s*=\\s*([^\\s,]+)");

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
                milters.add(grouped(name, where));
                continue;
            }
            milters.add(new MilterSettings(MilterEndpoint.parse(name, home), connectTimeout, commandTimeout,
                contentTimeout, defaultAction, protocol, macros));
        }
        return List.copyOf(milters);
    }

    /**
     * Postfix's per-milter form {@code { inet:host:port, connect_timeout=10s, command_timeout=...,
     * content_timeout=..., default_action=accept, protocol=6 }}: the endpoint, then settings that
     * replace the {@code milter_*} parameters for this filter alone.
     */
    private MilterSettings grouped(String group, String where) {
        if (!group.startsWith("{") || !group.endsWith("}")) {
            throw new IllegalArgumentException(where + ": unbalanced braces in " + group);
        }
        String inner = group.substring(1, group.length() - 1).trim();
        Matcher endpoint = ENDPOINT.matcher(inner);
        if (!endpoint.lookingAt()) {
            throw new IllegalArgumentException(where + ": no milter in " + group);
        }
        Duration connect = connectTimeout;
        Duration command = commandTimeout;
        Duration content = contentTimeout;
        MilterDefaultAction action = defaultAction;
        int version = protocol;
        String rest = inner.substring(endpoint.end());
        Matcher setting = SETTING.matcher(rest);
        int at = 0;
        while (setting.find()) {
            if (!rest.substring(at, setting.start()).matches("[\\s,]*")) {
                throw new IllegalArgumentException(where + ": expected name=value in " + group + " at \""
                    + rest.substring(at).trim() + "\"");
            }
            at = setting.end();
            String name = setting.group(1);
            String value = setting.group(2);
            try {
                switch (name) {
                    case "connect_timeout" -> connect = ParameterType.toDuration(name, value);
                    case "command_timeout" -> command = ParameterType.toDuration(name, value);
                    case "content_timeout" -> content = ParameterType.toDuration(name, value);
                    case "default_action" -> action = MilterDefaultAction.parse(value);
                    case "protocol" -> version = protocol(value);
                    default -> throw new IllegalArgumentException("unknown per-milter setting " + name
                        + " (expected connect_timeout, command_timeout, content_timeout, default_action or protocol)");
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + group + ": " + e.getMessage(), e);
            }
        }
        if (!rest.substring(at).matches("[\\s,]*")) {
            throw new IllegalArgumentException(where + ": expected name=value in " + group + " at \""
                + rest.substring(at).trim() + "\"");
        }
        return new MilterSettings(MilterEndpoint.parse(endpoint.group(1), home), connect, command, content, action,
            version, macros);
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
