package dev.postern.tables.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.postern.config.ConfigException;

/**
 * A SQL table's {@code result_format} (default {@code %s}): how each value the query returns is
 * written into the lookup result. {@code %s}, {@code %u}, {@code %d} take the value (its local
 * and domain parts); {@code %S}, {@code %U}, {@code %D} and {@code %1}..{@code %9} take the
 * lookup key; {@code %%} is a {@code %}. A value for which an expansion has nothing to give
 * ({@code %d} of a value without {@code @}) is left out of the result, as Postfix does.
 */
final class ResultFormat {
    private final List<String> texts;
    private final List<Character> specs;

    private ResultFormat(List<String> texts, List<Character> specs) {
        this.texts = texts;
        this.specs = specs;
    }

    static ResultFormat parse(String format, String where) throws ConfigException {
        List<String> texts = new ArrayList<>();
        List<Character> specs = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%') {
                text.append(c);
                continue;
            }
            if (i + 1 >= format.length()) {
                throw new ConfigException(where + ": result_format: % at the end (write %% for a literal %)");
            }
            char spec = format.charAt(++i);
            if (spec == '%') {
                text.append('%');
            } else if (KeyParts.isSpec(spec)) {
                texts.add(text.toString());
                text.setLength(0);
                specs.add(spec);
            } else {
                throw new ConfigException(where + ": result_format: unknown expansion %" + spec
                    + " (known: %s %u %d %1-%9 %S %U %D %%)");
            }
        }
        texts.add(text.toString());
        return new ResultFormat(List.copyOf(texts), List.copyOf(specs));
    }

    /** The value as written into the result, or empty when this value is left out. */
    Optional<String> format(String value, String key) {
        KeyParts ofValue = new KeyParts(value);
        KeyParts ofKey = new KeyParts(key);
        StringBuilder out = new StringBuilder(texts.get(0));
        for (int i = 0; i < specs.size(); i++) {
            char spec = specs.get(i);
            boolean fromValue = spec == 's' || spec == 'u' || spec == 'd';
            Optional<String> part = (fromValue ? ofValue : ofKey).part(spec);
            if (part.isEmpty()) {
                return Optional.empty();
            }
            out.append(part.get()).append(texts.get(i + 1));
        }
        return Optional.of(out.toString());
    }
}
