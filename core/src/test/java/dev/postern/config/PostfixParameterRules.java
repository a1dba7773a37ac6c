package dev.postern.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The hand-kept classification of the Postfix parameters Postern does not implement
 * ({@code postfix-parameter-rules.tsv}, a test resource): the first rule whose pattern matches a
 * name gives its status, safety flag and note. Only the generator of the data file and its test use it.
 */
final class PostfixParameterRules {
    record Rule(Pattern pattern, ParameterStatus status, boolean safety, String note) {
    }

    private final List<Rule> rules;

    private PostfixParameterRules(List<Rule> rules) {
        this.rules = rules;
    }

    static PostfixParameterRules load() throws IOException {
        try (InputStream in = PostfixParameterRules.class.getResourceAsStream("postfix-parameter-rules.tsv")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            List<Rule> rules = new ArrayList<>();
            for (String line : text.split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] fields = line.split("\t", -1);
                if (fields.length != 4) {
                    throw new IllegalStateException("postfix-parameter-rules.tsv: expected 4 fields: " + line);
                }
                rules.add(new Rule(glob(fields[0]), ParameterStatus.fromLabel(fields[1]), fields[2].equals("yes"), fields[3]));
            }
            return new PostfixParameterRules(List.copyOf(rules));
        }
    }

    /** The row of {@code name}: implemented when Postern's table has it, else the first matching rule's. */
    PostfixParameter classify(String name, String postfixDefault) {
        if (Parameters.isKnown(name)) {
            return new PostfixParameter(name, ParameterStatus.IMPLEMENTED, false, postfixDefault, "");
        }
        for (Rule rule : rules) {
            if (rule.pattern().matcher(name).matches()) {
                return new PostfixParameter(name, rule.status(), rule.safety(), postfixDefault, rule.note());
            }
        }
        throw new IllegalStateException("no rule matches " + name + " (the last rule should be \"*\")");
    }

    /** A pattern where {@code *} matches any run of characters and everything else is literal. */
    private static Pattern glob(String glob) {
        List<String> parts = new ArrayList<>();
        for (String part : glob.split("\\*", -1)) {
            parts.add(part.isEmpty() ? "" : Pattern.quote(part));
        }
        return Pattern.compile(String.join(".*", parts));
    }
}
