package dev.postern.tables;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import dev.postern.config.ConfigException;

/**
 * {@code regexp:} (regexp_table(5), POSIX regular expressions) and {@code pcre:} (pcre_table(5)),
 * evaluated with {@link java.util.regex}. The query is not folded; the first rule that matches,
 * in file order, gives the result.
 *
 * <p>Syntax, per logical line (continuation and comments as in every table file; do not indent
 * lines inside an {@code if}, since an indented line continues the previous one):
 * <pre>
 *   /pattern/flags result          the result when the query matches; $1, ${1}, $(1) insert
 *                                  capture groups (empty when the group did not take part),
 *                                  $$ is a literal $
 *   !/pattern/flags result         the result when the query does not match (no $n here)
 *   /pattern1/!/pattern2/ result   regexp only: when the query matches pattern1 and not pattern2
 *                                  (each with its own flags; !!/pattern2/ means "and matches")
 *   if /pattern/flags              the rules up to the matching endif apply only when the query
 *   if !/pattern/flags             matches (does not match); nestable
 *   endif
 * </pre>
 * The delimiter is any character that is neither a letter, a digit nor white space; a backslash
 * before it keeps it in the pattern. Flag letters toggle a default:
 * <ul>
 *   <li>regexp: {@code i} case-insensitive (default on), {@code x} extended regular expressions
 *       (default on; off means POSIX basic syntax: {@code \(\)} groups, {@code \{\}} intervals,
 *       literal {@code ( ) { } + ? |}), {@code m} newline-sensitive (default off: {@code .} then
 *       matches a newline and {@code ^ $} anchor only at the ends).</li>
 *   <li>pcre: {@code i} caseless (on), {@code s} dotall (on), {@code m} multiline (off), {@code x}
 *       extended, white space and {@code #} comments in the pattern ignored (off), {@code A}
 *       anchored at the start of the query (off), {@code X} (accepted; Java already rejects
 *       unknown escapes). {@code E} (dollar end-only) and {@code U} (ungreedy) are not supported
 *       (the rule is skipped).</li>
 * </ul>
 * As in Postfix, a malformed line never refuses the table: a pattern that does not compile, an
 * unknown flag, a replacement index higher than the number of groups, {@code $n} in a negated
 * rule, a line that is no rule is skipped with a warning {@code FILE, line N: reason: skipping
 * this rule} ({@link TableWarning}); an {@code endif} without {@code if} is ignored and an {@code
 * if} without {@code endif} runs to the end of the file, each with a warning. As in Postfix, a
 * skipped {@code if} line leaves the rules of its block unconditional (and its {@code endif}
 * unmatched). A rule without a result returns the empty string, with a warning.
 *
 * <p><b>regexp: POSIX syntax is translated to Java</b>: bracket expressions ({@code [[:space:]]},
 * {@code [^]a]}, a backslash is literal inside brackets), {@code \< \>} word boundaries (both
 * become {@code \b}), basic syntax when {@code x} is toggled off. Differences that remain: Java
 * matches leftmost-first, POSIX leftmost-longest, so with alternations ({@code a|ab}) the text a
 * group captures can differ; {@code $} also matches before a final newline; equivalence classes
 * {@code [=a=]} and collating symbols {@code [.a.]} are taken as the literal character.
 *
 * <p><b>pcre: differences between PCRE and Java regular expressions</b> a table may hit:
 * <ul>
 *   <li>Work the same: possessive quantifiers ({@code a*+}), atomic groups ({@code (?>...)}),
 *       look-ahead and bounded look-behind, {@code \A \z \Z \G \b \B \d \s \w \h \v \R}, {@code
 *       \Q...\E}, {@code \x{hh}}, back-references {@code \1}, inline options ({@code (?i)}), named
 *       groups written {@code (?<name>...)} and referenced {@code \k<name>}.</li>
 *   <li>POSIX classes inside brackets ({@code [[:alpha:]]}, {@code [[:^digit:]]}) are rewritten to
 *       Java's {@code \p{Alpha}} / {@code \P{Digit}}.</li>
 *   <li>Load errors (not supported by Java): {@code \K}, recursion and subroutine calls ({@code
 *       (?R)}, {@code (?1)}, {@code (?&name)}), conditionals ({@code (?(1)yes|no)}), backtracking
 *       verbs ({@code (*SKIP)}, {@code (*FAIL)}), callouts, {@code (?P<name>...)} and {@code
 *       (?'name'...)} named-group syntax, group names with an underscore (Java allows only
 *       letters and digits), unbounded look-behind; flags {@code E} and {@code U}.</li>
 *   <li>Silent differences: with {@code x}, Java also ignores white space and {@code #} inside a
 *       character class (PCRE keeps them literal), so escape them there ({@code [\ \#]}); an
 *       escape such as {@code \12} is a back-reference in Java when the group exists, octal
 *       otherwise is written {@code \012}; case-insensitive matching is Unicode-aware.</li>
 * </ul>
 * Matching is unbounded in time, as with PCRE: a pattern with catastrophic backtracking is the
 * table author's to avoid.
 */
final class RegexpTable implements LookupTable {
    enum Dialect {
        REGEXP("regexp"), PCRE("pcre");

        final String type;

        Dialect(String type) {
            this.type = type;
        }
    }

    /** One compiled line: a rule (result != null) or an {@code if} (skipTo = the rule after its endif). */
    static final class Rule {
        final Pattern pattern;
        final boolean anchored;
        final boolean positive;
        final Template result;
        final Second second;
        int skipTo;

        Rule(Pattern pattern, boolean anchored, boolean positive, Template result, Second second) {
            this.pattern = pattern;
            this.anchored = anchored;
            this.positive = positive;
            this.result = result;
            this.second = second;
        }

        boolean matches(Matcher matcher, String key) {
            return (anchored ? matcher.lookingAt() : matcher.find()) == positive
                && (second == null || second.agrees(key));
        }
    }

    /** A result with its $n references: literal text and group numbers; maxGroup -1 when there are none. */
    record Template(List<Object> parts, int maxGroup) {
        String expand(Matcher matcher) {
            if (parts.size() == 1 && parts.get(0) instanceof String literal) {
                return literal;
            }
            StringBuilder out = new StringBuilder();
            for (Object part : parts) {
                if (part instanceof String literal) {
                    out.append(literal);
                } else {
                    String group = matcher.group((Integer) part);
                    if (group != null) {
                        out.append(group);
                    }
                }
            }
            return out.toString();
        }
    }

    private final String name;
    /** The current contents: a file's, re-read when it changes, or an inline table's. */
    private final Supplier<List<Rule>> contents;

    RegexpTable(String name, Supplier<List<Rule>> contents) {
        this.name = name;
        this.contents = contents;
    }

    @Override
    public Optional<String> lookup(String key) {
        List<Rule> rules = contents.get();
        int i = 0;
        while (i < rules.size()) {
            Rule rule = rules.get(i);
            Matcher matcher = rule.pattern.matcher(key);
            boolean fired = rule.matches(matcher, key);
            if (rule.result == null) {
                i = fired ? i + 1 : rule.skipTo;
            } else if (fired) {
                return Optional.of(rule.result.expand(matcher));
            } else {
                i++;
            }
        }
        return Optional.empty();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean isPattern() {
        return true;
    }

    static FileSource.Parser<List<Rule>> parser(Dialect dialect) {
        return (file, warnings) -> parse(file, dialect, warnings);
    }

    /** A rule Postfix, too, would skip: the reason, without file and line. */
    static final class SkipRule extends Exception {
        SkipRule(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * Reads a table. A malformed rule is skipped with a warning ({@code FILE, line N: reason:
     * skipping this rule}) and the rest of the file is used, as Postfix does; only an unreadable
     * file fails.
     */
    static List<Rule> parse(Path file, Dialect dialect, TableWarning.Sink warnings) throws IOException, ConfigException {
        return parse(LogicalLines.of(file), dialect, warnings);
    }

    static List<Rule> parse(LogicalLines.Source source, Dialect dialect, TableWarning.Sink warnings)
            throws IOException, ConfigException {
        String file = source.name();
        List<Rule> rules = new ArrayList<>();
        Deque<Integer> openIfs = new ArrayDeque<>();
        Deque<Integer> openIfLines = new ArrayDeque<>();
        source.read(warnings, (line, text) -> {
            try {
                parseLine(file, line, LogicalLines.trim(text), dialect, warnings, rules, openIfs, openIfLines);
            } catch (SkipRule e) {
                warnings.warn(file, line, e.getMessage() + ": skipping this rule");
            }
        });
        while (!openIfs.isEmpty()) {
            // Postfix: the block runs to the end of the file.
            warnings.warn(file, openIfLines.pop(), "if has no matching endif: the block ends at the end of the file");
            rules.get(openIfs.pop()).skipTo = rules.size();
        }
        return List.copyOf(rules);
    }

    private static void parseLine(String file, int line, String trimmed, Dialect dialect, TableWarning.Sink warnings,
            List<Rule> rules, Deque<Integer> openIfs, Deque<Integer> openIfLines) throws SkipRule {
        if (startsWithWord(trimmed, "endif")) {
            if (openIfs.isEmpty()) {
                warnings.warn(file, line, "ignoring endif without a matching if");
                return;
            }
            warnExtra(file, line, warnings, trimmed.substring(5), "endif");
            openIfLines.pop();
            rules.get(openIfs.pop()).skipTo = rules.size();
            return;
        }
        boolean isIf = startsWithWord(trimmed, "if");
        if (!isIf && !trimmed.isEmpty() && Character.isLetterOrDigit(trimmed.charAt(0))) {
            throw new SkipRule("unrecognized request (a rule starts with a pattern delimiter such as /, or is if or endif)");
        }
        Parsed parsed = parsePattern(isIf ? trimmed.substring(2) : trimmed, dialect, !isIf);
        if (isIf) {
            warnExtra(file, line, warnings, parsed.rest, "if");
            openIfs.push(rules.size());
            openIfLines.push(line);
            rules.add(new Rule(parsed.pattern, parsed.anchored, parsed.positive, null, null));
            return;
        }
        String resultText = LogicalLines.trim(parsed.rest);
        Template template = template(resultText);
        if (!parsed.positive && template.maxGroup() >= 0) {
            throw new SkipRule("$number in the result of a negated pattern");
        }
        int groups = parsed.pattern.matcher("").groupCount();
        if (template.maxGroup() > groups) {
            throw new SkipRule("out of range replacement index \"" + template.maxGroup()
                + "\": the pattern has " + groups + " group" + (groups == 1 ? "" : "s"));
        }
        if (resultText.isEmpty()) {
            warnings.warn(file, line, "no replacement text: using the empty string");
        }
        rules.add(new Rule(parsed.pattern, parsed.anchored, parsed.positive, template, parsed.second));
    }

    /** A rule's or an if's condition; {@code second} is the {@code !/pattern2/} of regexp's two-pattern form. */
    private record Parsed(Pattern pattern, boolean anchored, boolean positive, Second second, String rest) {
    }

    /** The second pattern of {@code /pattern1/!/pattern2/}: the rule fires only when it matches {@code == positive}. */
    record Second(Pattern pattern, boolean positive) {
        boolean agrees(String key) {
            return pattern.matcher(key).find() == positive;
        }
    }

    private static boolean startsWithWord(String text, String word) {
        return text.regionMatches(true, 0, word, 0, word.length())
            && (text.length() == word.length() || !Character.isLetterOrDigit(text.charAt(word.length())));
    }

    private static void warnExtra(String file, int line, TableWarning.Sink warnings, String rest, String keyword) {
        String extra = LogicalLines.trim(rest);
        if (!extra.isEmpty()) {
            warnings.warn(file, line, "ignoring extra text after " + keyword + ": \"" + extra + "\" (do not indent the lines"
                + " between if and endif: an indented line continues the previous one)");
        }
    }

    /**
     * A pattern with its {@code !} negations and flags; for a regexp rule ({@code secondAllowed})
     * also the second pattern of {@code /pattern1/!/pattern2/}, introduced by the {@code !}
     * right after the first pattern's flags.
     */
    private static Parsed parsePattern(String text, Dialect dialect, boolean secondAllowed) throws SkipRule {
        Piece first = piece(text, 0, dialect);
        Second second = null;
        int p = first.end;
        if (dialect == Dialect.REGEXP && p < text.length() && text.charAt(p) == '!') {
            if (!secondAllowed) {
                throw new SkipRule("a second pattern (/pattern1/!/pattern2/) is allowed in a rule, not after if");
            }
            Piece piece = piece(text, p, dialect);
            second = new Second(piece.compiled.pattern, piece.positive);
            p = piece.end;
        }
        return new Parsed(first.compiled.pattern, first.compiled.anchored, first.positive, second, text.substring(p));
    }

    /** One {@code !.../pattern/flags}, read from {@code from}; {@code end} is just after its flags. */
    private record Piece(Compiled compiled, boolean positive, int end) {
    }

    private static Piece piece(String text, int from, Dialect dialect) throws SkipRule {
        int p = from;
        boolean positive = true;
        while (p < text.length() && (text.charAt(p) == '!' || LogicalLines.isSpace(text.charAt(p)))) {
            if (text.charAt(p) == '!') {
                positive = !positive;
            }
            p++;
        }
        if (p == text.length()) {
            throw new SkipRule("no pattern");
        }
        char delimiter = text.charAt(p);
        if (Character.isLetterOrDigit(delimiter)) {
            throw new SkipRule("a pattern must start with a delimiter that is not a letter or digit, such as /, not \""
                + delimiter + "\"");
        }
        int start = ++p;
        while (p < text.length() && text.charAt(p) != delimiter) {
            if (text.charAt(p) == '\\' && p + 1 < text.length()) {
                p++;
            }
            p++;
        }
        if (p >= text.length()) {
            throw new SkipRule("no closing " + delimiter + " delimiter");
        }
        String regex = text.substring(start, p);
        p++;
        int flagsStart = p;
        // regexp: a ! ends the flags and starts the second pattern.
        while (p < text.length() && !LogicalLines.isSpace(text.charAt(p))
                && !(dialect == Dialect.REGEXP && text.charAt(p) == '!')) {
            p++;
        }
        String flags = text.substring(flagsStart, p);
        return new Piece(compile(regex, flags, dialect), positive, p);
    }

    private record Compiled(Pattern pattern, boolean anchored) {
    }

    private static Compiled compile(String regex, String flags, Dialect dialect) throws SkipRule {
        boolean caseless = true;
        boolean multiline = false;
        boolean extended = dialect == Dialect.REGEXP;
        boolean dotall = true;
        boolean anchored = false;
        for (char flag : flags.toCharArray()) {
            switch (flag) {
                case 'i' -> caseless = !caseless;
                case 'm' -> multiline = !multiline;
                case 'x' -> extended = !extended;
                case 's' -> {
                    if (dialect == Dialect.REGEXP) {
                        throw unknownFlag(flag, dialect);
                    }
                    dotall = !dotall;
                }
                case 'A' -> anchored = !anchored;
                case 'X' -> {
                    // PCRE_EXTRA: unknown escapes are errors; Java rejects them already.
                }
                case 'E', 'U' -> throw new SkipRule("pcre flag \"" + flag + "\" ("
                    + (flag == 'E' ? "dollar end-only" : "ungreedy") + ") is not supported; rewrite the pattern ("
                    + (flag == 'E' ? "use \\z" : "use lazy quantifiers such as *?") + ")");
                default -> throw unknownFlag(flag, dialect);
            }
        }
        int javaFlags = Pattern.UNIX_LINES;
        if (caseless) {
            javaFlags |= Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
        }
        String javaRegex;
        if (dialect == Dialect.REGEXP) {
            // POSIX: without REG_NEWLINE "." matches a newline and ^ $ anchor only at the ends.
            javaFlags |= multiline ? Pattern.MULTILINE : Pattern.DOTALL;
            try {
                javaRegex = PosixRegex.toJava(regex, extended);
            } catch (IllegalArgumentException e) {
                throw new SkipRule("invalid regular expression /" + regex + "/: " + e.getMessage());
            }
        } else {
            if (multiline) {
                javaFlags |= Pattern.MULTILINE;
            }
            if (dotall) {
                javaFlags |= Pattern.DOTALL;
            }
            if (extended) {
                javaFlags |= Pattern.COMMENTS;
            }
            javaRegex = PosixRegex.posixClassesToJava(regex);
        }
        try {
            return new Compiled(Pattern.compile(javaRegex, javaFlags), anchored);
        } catch (PatternSyntaxException e) {
            throw new SkipRule("invalid regular expression /" + regex + "/: "
                + e.getDescription() + (e.getIndex() >= 0 ? " near index " + e.getIndex() : ""));
        }
    }

    private static SkipRule unknownFlag(char flag, Dialect dialect) {
        return new SkipRule("unknown " + dialect.type + " flag \"" + flag + "\" (known: "
            + (dialect == Dialect.REGEXP ? "i, m, x" : "i, m, s, x, A, X") + ")");
    }

    /** Parses a result: $1, ${1}, $(1) group references and $$, as Postfix's mac_parse does. */
    static Template template(String text) throws SkipRule {
        List<Object> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int maxGroup = -1;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '$') {
                literal.append(c);
                i++;
                continue;
            }
            if (i + 1 >= text.length()) {
                throw new SkipRule("\"$\" at the end of the result (write $$ for a literal $)");
            }
            char next = text.charAt(i + 1);
            String index;
            if (next == '$') {
                literal.append('$');
                i += 2;
                continue;
            } else if (next == '{' || next == '(') {
                char close = next == '{' ? '}' : ')';
                int end = text.indexOf(close, i + 2);
                if (end < 0) {
                    throw new SkipRule("unbalanced \"" + next + "\" in the result");
                }
                index = text.substring(i + 2, end);
                i = end + 1;
            } else if (Character.isLetterOrDigit(next) || next == '_') {
                int end = i + 1;
                while (end < text.length() && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_')) {
                    end++;
                }
                index = text.substring(i + 1, end);
                i = end;
            } else {
                throw new SkipRule("\"$" + next + "\" in the result: expected $number, ${number},"
                    + " $(number) or $$");
            }
            if (index.isEmpty() || !index.chars().allMatch(ch -> ch >= '0' && ch <= '9') || index.length() > 4) {
                throw new SkipRule("non-numeric replacement index \"" + index + "\"");
            }
            int group = Integer.parseInt(index);
            if (literal.length() > 0) {
                parts.add(literal.toString());
                literal.setLength(0);
            }
            parts.add(group);
            maxGroup = Math.max(maxGroup, group);
        }
        if (literal.length() > 0 || parts.isEmpty()) {
            parts.add(literal.toString());
        }
        return new Template(List.copyOf(parts), maxGroup);
    }

}
