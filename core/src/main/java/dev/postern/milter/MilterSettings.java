package dev.postern.milter;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * How to speak to one filter: where it is, the {@code milter_*_timeout}s,
 * {@code milter_default_action}, {@code milter_protocol} and the macro names sent at each stage
 * ({@code milter_*_macros}), unless the filter asks for others.
 */
public record MilterSettings(MilterEndpoint endpoint, Duration connectTimeout, Duration commandTimeout,
        Duration contentTimeout, MilterDefaultAction defaultAction, int protocol, Map<MilterStage, List<String>> macros) {

    public MilterSettings {
        if (protocol < 2 || protocol > MilterProtocol.VERSION) {
            throw new IllegalArgumentException("milter_protocol = " + protocol + ": expected 2 to 6");
        }
        Map<MilterStage, List<String>> copy = new EnumMap<>(MilterStage.class);
        macros.forEach((stage, names) -> copy.put(stage, List.copyOf(names)));
        macros = Map.copyOf(copy);
    }

    /** The macro names of a stage; none when not configured. */
    public List<String> macros(MilterStage stage) {
        return macros.getOrDefault(stage, List.of());
    }
}
