package dev.postern.config;

import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;

/** Shorthands for building a {@link MainCf} from inline main.cf lines named {@code main.cf}. */
final class TestConfigs {
    private TestConfigs() {
    }

    static MainCf parse(String... lines) throws ConfigException {
        return MainCf.parse("main.cf", List.of(lines), Map.of());
    }

    static MainCf parse(Map<String, String> environment, String... lines) throws ConfigException {
        return MainCf.parse("main.cf", List.of(lines), environment);
    }

    /** The message of the ConfigException that loading these lines must throw. */
    static String error(Map<String, String> environment, List<String> lines) {
        ConfigException e = catchThrowableOfType(
                () -> MainCf.parse("main.cf", lines, environment), ConfigException.class);
        if (e == null) {
            throw new AssertionError("expected a ConfigException for " + lines + " / " + environment);
        }
        return e.getMessage();
    }

    static String error(String... lines) {
        return error(Map.of(), List.of(lines));
    }
}
