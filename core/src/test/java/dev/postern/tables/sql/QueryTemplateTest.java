package dev.postern.tables.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.postern.config.ConfigException;

class QueryTemplateTest {
    private static QueryTemplate parse(String query, SqlDialect dialect) throws ConfigException {
        return QueryTemplate.parse(query, dialect, "x.cf:3");
    }

    @Test
    void aQuotedExpansionBecomesOneBoundValue() throws Exception {
        QueryTemplate query = parse("SELECT goto FROM alias WHERE address='%s' AND active = '1'", SqlDialect.PGSQL);

        assertThat(query.sql()).isEqualTo("SELECT goto FROM alias WHERE address=? AND active = '1'");
        assertThat(query.parameters("it's a %s \\ key")).contains(List.of("it's a %s \\ key"));
    }

    @Test
    void aLiteralWithTextAndSeveralExpansionsIsBoundWhole() throws Exception {
        QueryTemplate query = parse("SELECT 1 FROM t WHERE a = '%u@%d' AND b LIKE '%%.%1'", SqlDialect.MYSQL);

        assertThat(query.sql()).isEqualTo("SELECT 1 FROM t WHERE a = ? AND b LIKE ?");
        assertThat(query.parameters("joe@mail.example.com")).contains(List.of("joe@mail.example.com", "%.com"));
    }

    @Test
    void aBareExpansionIsBoundAndPercentPercentIsAPercent() throws Exception {
        QueryTemplate query = parse("SELECT x FROM t WHERE id = %s AND 5 %% 2 = 1 AND n = 'a''b %%'", SqlDialect.PGSQL);

        assertThat(query.sql()).isEqualTo("SELECT x FROM t WHERE id = ? AND 5 % 2 = 1 AND n = 'a''b %'");
        assertThat(query.parameters("7")).contains(List.of("7"));
    }

    @Test
    void mysqlDoubleQuotedStringsAndBackslashesAreLiterals() throws Exception {
        QueryTemplate query = parse("SELECT x FROM t WHERE a = \"%s\" AND b = 'it\\'s %d' AND c LIKE '\\%%u'",
            SqlDialect.MYSQL);

        assertThat(query.sql()).isEqualTo("SELECT x FROM t WHERE a = ? AND b = ? AND c LIKE ?");
        assertThat(query.parameters("u@d")).contains(List.of("u@d", "it's d", "\\%u"));
    }

    @Test
    void pgsqlDoubleQuotesAreANameAndItsBackslashIsPlain() throws Exception {
        QueryTemplate query = parse("SELECT \"goto\" FROM t WHERE a = 'x\\' || '%s'", SqlDialect.PGSQL);

        assertThat(query.sql()).isEqualTo("SELECT \"goto\" FROM t WHERE a = 'x\\' || ?");
    }

    @Test
    void aQueryIsSkippedWhenAnExpansionHasNothing() throws Exception {
        assertThat(parse("SELECT 1 WHERE d = '%d'", SqlDialect.PGSQL).parameters("joe")).isEmpty();
        assertThat(parse("SELECT 1 WHERE u = '%u'", SqlDialect.PGSQL).parameters("@example.com")).isEmpty();
        assertThat(parse("SELECT 1 WHERE u = '%u'", SqlDialect.PGSQL).parameters("joe")).contains(List.of("joe"));
        assertThat(parse("SELECT 1 WHERE l = '%3'", SqlDialect.PGSQL).parameters("a@example.com")).isEmpty();
        assertThat(parse("SELECT 1 WHERE l = '%2'", SqlDialect.PGSQL).parameters("a@example.com"))
            .contains(List.of("example"));
        assertThat(parse("SELECT 1 WHERE l = '%S|%U|%D'", SqlDialect.PGSQL).parameters("a@b.c"))
            .contains(List.of("a@b.c|a|b.c"));
    }

    @Test
    void errorsNameTheFileLineAndWhatIsWrong() {
        assertThatThrownBy(() -> parse("SELECT 1 WHERE a = '%x'", SqlDialect.PGSQL))
            .hasMessageContaining("x.cf:3: query: unknown expansion %x");
        assertThatThrownBy(() -> parse("SELECT 1 WHERE a = '%s", SqlDialect.PGSQL))
            .hasMessageContaining("x.cf:3: query: string literal not terminated");
        assertThatThrownBy(() -> parse("SELECT 1 FROM users_%d", SqlDialect.MYSQL))
            .hasMessageContaining("x.cf:3: query: %d is part of a word outside quotes");
    }

    @Test
    void noBoundValueCarriesSqlIntoTheStatement() throws Exception {
        QueryTemplate query = parse("SELECT goto FROM alias WHERE address='%s'", SqlDialect.MYSQL);
        String hostile = "x' OR '1'='1'; DROP TABLE alias; --\\";

        assertThat(query.sql()).doesNotContain("OR").doesNotContain("DROP");
        assertThat(query.parameters(hostile)).isEqualTo(Optional.of(List.of(hostile)));
    }
}
