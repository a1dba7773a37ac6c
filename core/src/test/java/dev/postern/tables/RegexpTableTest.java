package dev.postern.tables;

import static dev.postern.tables.TableFiles.get;
import static dev.postern.tables.TableFiles.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RegexpTableTest {
    @TempDir
    Path dir;
    TableRegistry registry;

    @BeforeEach
    void setUp() {
        registry = new TableRegistry(dir);
    }

    @AfterEach
    void tearDown() {
        registry.close();
    }

    /** A case both dialects must answer the same way. */
    private static Arguments both(String table, String query, String expected) {
        return Arguments.of("regexp+pcre", table, query, expected);
    }

    private static Arguments regexp(String table, String query, String expected) {
        return Arguments.of("regexp", table, query, expected);
    }

    private static Arguments pcre(String table, String query, String expected) {
        return Arguments.of("pcre", table, query, expected);
    }

    static Stream<Arguments> lookups() {
        return Stream.of(
            // Case-insensitive by default; the i flag toggles it; the query itself is not folded.
            regexp("/^user@example\\.com$/ OK", "USER@Example.COM", "OK"),
            pcre("/^user@example\\.com$/ OK", "USER@Example.COM", "OK"),
            regexp("/^user@example\\.com$/i OK", "USER@Example.COM", null),
            pcre("/^user@example\\.com$/i OK", "USER@Example.COM", null),
            pcre("/^user@example\\.com$/i OK", "user@example.com", "OK"),
            // Substitutions: $n, ${n}, $(n), $$, an unmatched group is empty; the first match wins.
            regexp("/^(.*)@(.*)$/ $2 ${1} $(2)x $$1", "joe@example.org", "example.org joe example.orgx $1"),
            pcre("/^(.*)@(.*)$/ $2 ${1} $(2)x $$1", "joe@example.org", "example.org joe example.orgx $1"),
            pcre("/^(a)?(b)$/ [$1][$2]", "b", "[][b]"),
            pcre("/^(.+)\\+.*@(.+)$/ $1@$2", "joe+list@example.org", "joe@example.org"),
            both("/a/ first\n/ab/ second", "ab", "first"),
            // Results keep their inner white space and case; trailing white space is dropped.
            both("/x/   REJECT  Go  Away   ", "x", "REJECT  Go  Away"),
            // Negation: the result applies when the query does not match.
            regexp("!/@example\\.com$/ REJECT not ours\n/./ OK", "a@example.net", "REJECT not ours"),
            regexp("!/@example\\.com$/ REJECT not ours\n/./ OK", "a@example.com", "OK"),
            pcre("! /@example\\.com$/ REJECT not ours", "a@example.net", "REJECT not ours"),
            pcre("!!/@example\\.com$/ double negation", "a@example.com", "double negation"),
            // Any non-alphanumeric delimiter; a backslash keeps the delimiter in the pattern.
            both("%^a/b$% slash inside", "a/b", "slash inside"),
            both("#^a/b$# A COMMENT LINE, NOT A RULE", "a/b", null),
            pcre("|^a$| pipe delimiter", "a", "pipe delimiter"),
            pcre("|^a\\|b$| escaped pipe", "a|b", "escaped pipe"),
            both("/^a\\/b$/ escaped slash", "a/b", "escaped slash"),
            pcre("{^x}y{ braces", "xy", null),
            pcre("{^x{ braces", "xy", "braces"),
            // if / endif, nested, negated.
            both("if /@example\\.com$/\n/^admin@/ ADMIN\n/^root@/ ROOT\nendif\n/^admin@/ OTHER ADMIN",
                "admin@example.com", "ADMIN"),
            both("if /@example\\.com$/\n/^admin@/ ADMIN\nendif\n/^admin@/ OTHER ADMIN",
                "admin@example.net", "OTHER ADMIN"),
            both("if !/@example\\.com$/\n/./ FOREIGN\nendif\n/./ LOCAL", "x@example.net", "FOREIGN"),
            both("if !/@example\\.com$/\n/./ FOREIGN\nendif\n/./ LOCAL", "x@example.com", "LOCAL"),
            both("IF /a/\nif /b/\n/c/ ABC\nendif\n/./ A\nENDIF\n/./ NONE", "abc", "ABC"),
            both("IF /a/\nif /b/\n/c/ ABC\nendif\n/./ A\nENDIF\n/./ NONE", "ac", "A"),
            both("IF /a/\nif /b/\n/c/ ABC\nendif\n/./ A\nENDIF\n/./ NONE", "bc", "NONE"),
            both("if /a/\nif /b/\nendif\nendif\n/./ AFTER EMPTY BLOCKS", "x", "AFTER EMPTY BLOCKS"),
            // Continuation lines join the previous line; comments and blank lines are skipped.
            both("# comment\n\n/^long/\n  RESULT\n   # comment inside\n   CONTINUED", "longer", "RESULT   CONTINUED"),
            // regexp flags: x on (extended syntax) by default; toggled off means POSIX basic syntax.
            regexp("/^(ab)+$/ ERE", "abab", "ERE"),
            regexp("/^\\(ab\\)\\{2\\}$/x BRE $1", "abab", "BRE ab"),
            regexp("/^a+$/x BRE literal plus", "a+", "BRE literal plus"),
            regexp("/^a+$/x BRE literal plus", "aa", null),
            // regexp: POSIX bracket expressions, backslash literal inside brackets, \\< \\>.
            regexp("/^Subject:[[:space:]]+[[:alpha:]]+$/ POSIX CLASSES", "Subject: \tHello", "POSIX CLASSES"),
            regexp("/^[[:digit:]]+$/ DIGITS", "x1", null),
            regexp("/^[^]a]+$/ NOT BRACKET OR A", "bcd", "NOT BRACKET OR A"),
            regexp("/^[^]a]+$/ NOT BRACKET OR A", "b]", null),
            regexp("/^[\\]+$/ BACKSLASHES", "\\\\", "BACKSLASHES"),
            regexp("/\\<viagra\\>/ WORD", "buy viagra now", "WORD"),
            regexp("/\\<viagra\\>/ WORD", "buyviagranow", null),
            // regexp m flag: without it . matches a newline and ^ $ anchor only at the ends.
            regexp("/^a.b$/ DOT NEWLINE", "a\nb", "DOT NEWLINE"),
            regexp("/^a.b$/m DOT NEWLINE", "a\nb", null),
            regexp("/^b$/ LINE", "a\nb\nc", null),
            regexp("/^b$/m LINE", "a\nb\nc", "LINE"),
            // pcre flags: s (dotall) on, m off, x off, A anchored.
            pcre("/^a.b$/ DOTALL", "a\nb", "DOTALL"),
            pcre("/^a.b$/s DOTALL", "a\nb", null),
            pcre("/^b$/ LINE", "a\nb\nc", null),
            pcre("/^b$/m LINE", "a\nb\nc", "LINE"),
            pcre("/a b c/ LITERAL SPACES", "a b c", "LITERAL SPACES"),
            pcre("/a b c # comment/x EXTENDED", "abc", "EXTENDED"),
            pcre("/b/ FIND", "abc", "FIND"),
            pcre("/b/A ANCHORED", "abc", null),
            pcre("/a/A ANCHORED", "abc", "ANCHORED"),
            pcre("/b/X EXTRA ACCEPTED", "b", "EXTRA ACCEPTED"),
            // pcre: Java features that match PCRE's; POSIX classes inside brackets are rewritten.
            pcre("/^a++b$/ POSSESSIVE", "aab", "POSSESSIVE"),
            pcre("/^(?>a+)b$/ ATOMIC", "aab", "ATOMIC"),
            pcre("/^(?<user>[^@]+)@(?<domain>.+)$/ $2/$1", "joe@example.org", "example.org/joe"),
            pcre("/^[[:alpha:][:digit:]]+$/ POSIX IN PCRE", "abc123", "POSIX IN PCRE"),
            pcre("/^[[:^digit:]]+$/ NOT DIGITS", "abc", "NOT DIGITS"),
            pcre("/^[[:^digit:]]+$/ NOT DIGITS", "ab1", null),
            pcre("/^[[:word:]]+$/ WORD", "a_b1", "WORD"),
            pcre("/foo\\Z/ END", "xfoo\n", "END"),
            pcre("/foo\\z/ END", "xfoo\n", null),
            // Non-ASCII text, case-insensitively.
            pcre("/^ÄRGER$/ UNICODE", "ärger", "UNICODE"));
    }

    @ParameterizedTest(name = "[{index}] {0}: {1} ? {2}")
    @MethodSource("lookups")
    void lookups(String types, String table, String query, String expected) throws Exception {
        write(dir, "table", table.split("\n", -1));
        for (String type : types.split("\\+")) {
            LookupTable opened = registry.open(type + ":table");

            assertThat(get(opened, query)).as(type).isEqualTo(expected);
            assertThat(opened.isPattern()).isTrue();
        }
    }

    static Stream<Arguments> errors() {
        return Stream.of(
            Arguments.of("regexp", "/ok/ OK\n/unclosed(/ X", 2, "invalid regular expression /unclosed(/"),
            Arguments.of("pcre", "/ok/ OK\n\n/unclosed[/ X", 3, "invalid regular expression /unclosed[/"),
            Arguments.of("regexp", "/no closing delimiter OK", 1, "no closing / delimiter"),
            Arguments.of("pcre", "abc/ OK", 1, "unrecognized request"),
            Arguments.of("pcre", "if abc/", 1, "delimiter that is not a letter or digit"),
            Arguments.of("regexp", "/a/q OK", 1, "unknown regexp flag \"q\""),
            Arguments.of("regexp", "/a/s OK", 1, "unknown regexp flag \"s\""),
            Arguments.of("pcre", "/a/U OK", 1, "pcre flag \"U\" (ungreedy) is not supported"),
            Arguments.of("pcre", "/a/E OK", 1, "pcre flag \"E\" (dollar end-only) is not supported"),
            Arguments.of("pcre", "/(a)/ $2", 1, "out of range replacement index \"2\""),
            Arguments.of("regexp", "/(a)/ $x", 1, "non-numeric replacement index \"x\""),
            Arguments.of("regexp", "/(a)/ $1x", 1, "non-numeric replacement index \"1x\""),
            Arguments.of("regexp", "/(a)/ cost $", 1, "\"$\" at the end of the result"),
            Arguments.of("pcre", "!/(a)/ $1", 1, "$number in the result of a negated pattern"),
            Arguments.of("pcre", "/a/ OK\nendif", 2, "ignoring endif without a matching if"),
            Arguments.of("regexp", "/a/ OK\nif /b/\nif /c/\n/d/ D\nendif", 2, "if has no matching endif"),
            Arguments.of("regexp", "word OK", 1, "unrecognized request"),
            Arguments.of("pcre", "/a/!/b/ OK", 1, "unknown pcre flag \"!\""),
            Arguments.of("regexp", "if /a/!/b/\n/c/ C\nendif", 1, "a second pattern (/pattern1/!/pattern2/) is allowed in a rule"),
            Arguments.of("regexp", "/a/!/b(/ OK", 1, "invalid regular expression /b(/"),
            Arguments.of("pcre", "/a\\K/ OK", 1, "invalid regular expression"),
            Arguments.of("pcre", "/(?R)/ OK", 1, "invalid regular expression"),
            Arguments.of("pcre", "/(?P<n>a)/ OK", 1, "invalid regular expression"),
            Arguments.of("regexp", "/[[:nosuch:]]/ OK", 1, "unknown character class [:nosuch:]"),
            Arguments.of("regexp", "/[abc/ OK", 1, "unmatched ["),
            Arguments.of("pcre", "if", 1, "no pattern"));
    }

    /**
     * Postfix skips a malformed line with a warning naming file and line and uses the rest of the
     * table: the rule before it still answers, and the table loads.
     */
    @ParameterizedTest(name = "[{index}] {0}: {1}")
    @MethodSource("errors")
    void aMalformedLineIsSkippedWithAWarningNamingFileAndLine(String type, String table, int line, String reason)
            throws Exception {
        Path file = write(dir, "bad", ("/^fine$/ FINE\n" + table).split("\n", -1));

        LookupTable opened = registry.open(type + ":bad");

        assertThat(get(opened, "fine")).isEqualTo("FINE");
        assertThat(registry.warnings()).anySatisfy(warning -> {
            assertThat(warning.source()).isEqualTo(file.toString());
            assertThat(warning.line()).isEqualTo(line + 1);
            assertThat(warning.message()).contains(reason);
            assertThat(warning.toString()).startsWith(file + ", line " + (line + 1) + ": ");
        });
    }

    @Test
    void aSkippedRuleNamesItselfAsPostfixDoes() throws Exception {
        Path file = write(dir, "bad", "/a/q A", "/b/ B");

        LookupTable opened = registry.open("regexp:bad");

        assertThat(registry.warnings()).extracting(TableWarning::toString)
            .containsExactly(file + ", line 1: unknown regexp flag \"q\" (known: i, m, x): skipping this rule");
        assertThat(get(opened, "a")).isNull();
        assertThat(get(opened, "b")).isEqualTo("B");
    }

    @Test
    void aCleanTableHasNoWarnings() throws Exception {
        write(dir, "clean", "/a/ A", "if !/b/", "/c/ C", "endif");

        registry.open("regexp:clean");

        assertThat(registry.warnings()).isEmpty();
    }

    static Stream<Arguments> twoPatterns() {
        return Stream.of(
            Arguments.of("/^a/!/^ab/ A-NOT-AB", "ac", "A-NOT-AB"),
            Arguments.of("/^a/!/^ab/ A-NOT-AB", "ab", null),
            Arguments.of("/^a/!/^ab/ A-NOT-AB", "b", null),
            Arguments.of("/^a/!!/b$/ A-AND-B", "axb", "A-AND-B"),
            Arguments.of("/^a/!!/b$/ A-AND-B", "axc", null),
            // each pattern has its own flags: i makes the first case-sensitive, not the second
            Arguments.of("/^a/i!/X$/ LOWER-A-NOT-X", "abx", null),
            Arguments.of("/^a/i!/X$/ LOWER-A-NOT-X", "aby", "LOWER-A-NOT-X"),
            Arguments.of("/^a/i!/X$/ LOWER-A-NOT-X", "Aby", null),
            // $n refers to the first pattern's groups
            Arguments.of("/^(.*)@example\\.com$/!/^postmaster@/ $1", "joe@example.com", "joe"),
            Arguments.of("/^(.*)@example\\.com$/!/^postmaster@/ $1", "postmaster@example.com", null));
    }

    /** regexp's /pattern1/!/pattern2/: the first matches and the second does not. */
    @ParameterizedTest(name = "[{index}] {0} ? {1}")
    @MethodSource
    void twoPatterns(String table, String query, String expected) throws Exception {
        write(dir, "two", table);

        assertThat(get(registry.open("regexp:two"), query)).isEqualTo(expected);
        assertThat(registry.warnings()).isEmpty();
    }

    /** As in Postfix: an if without endif runs to the end of the file; a bad if leaves its block unconditional. */
    @Test
    void unbalancedIfsAreReadAsPostfixReadsThem() throws Exception {
        Path file = write(dir, "open", "if /^a/", "/b/ A-AND-B");
        LookupTable open = registry.open("regexp:open");
        assertThat(get(open, "ab")).isEqualTo("A-AND-B");
        assertThat(get(open, "b")).isNull();

        write(dir, "badif", "if /^a(/", "/b/ B", "endif", "/c/ C");
        LookupTable badIf = registry.open("regexp:badif");
        assertThat(get(badIf, "b")).isEqualTo("B");
        assertThat(get(badIf, "c")).isEqualTo("C");
        assertThat(registry.warnings()).extracting(TableWarning::toString).contains(
            file + ", line 1: if has no matching endif: the block ends at the end of the file");
        assertThat(registry.warnings()).filteredOn(w -> w.source().endsWith("badif")).extracting(TableWarning::line)
            .containsExactly(1, 3);
    }

    @Test
    void continuationLinesJoinARule() throws Exception {
        write(dir, "cont", "/^(a)/", "  A$1", "/b/ B");

        LookupTable table = registry.open("regexp:cont");

        assertThat(get(table, "ax")).isEqualTo("Aa");
        assertThat(get(table, "b")).isEqualTo("B");
    }

    /** Postfix 3.7's inline form: each braced element is one rule; a bad one is skipped, named by the table. */
    @Test
    void inlineTablesHoldTheirRules() throws Exception {
        LookupTable regexp = registry.open("regexp:{ {/^a/!/^ab/ A-NOT-AB}, { /^(b)(.)/ B$2 }, {/bad/q X} }");
        LookupTable pcre = registry.open("pcre:{{/^c/ C}}");

        assertThat(get(regexp, "ac")).isEqualTo("A-NOT-AB");
        assertThat(get(regexp, "ab")).isNull();
        assertThat(get(regexp, "bz")).isEqualTo("Bz");
        assertThat(get(pcre, "cat")).isEqualTo("C");
        assertThat(registry.warnings()).extracting(TableWarning::toString).containsExactly(
            "regexp:{ {/^a/!/^ab/ A-NOT-AB}, { /^(b)(.)/ B$2 }, {/bad/q X} }, line 3: unknown regexp flag \"q\""
                + " (known: i, m, x): skipping this rule");
    }
}
