package dev.postern.tables;

import static dev.postern.tables.TableFiles.get;
import static dev.postern.tables.TableFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.postern.config.ConfigException;

/** inline:, static:, unionmap:, pipemap:, fail:. */
class InMemoryTablesTest {
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

    @ParameterizedTest(name = "{0} ? {1} -> {2}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "inline:{a=1, b=2}                                     | a            | 1",
        "inline:{a=1, b=2}                                     | B            | 2",
        "inline:{a=1, b=2}                                     | c            | NULL",
        "inline:{ a=1 ,b=2 }                                   | a            | 1",
        "inline:{Key=Value}                                    | key          | Value",
        "inline:{a=1 b=2}                                      | b            | 2",
        "inline:{a=first, A=second}                            | a            | first",
        "inline:{{a b = value with spaces}, c=d}               | A B          | value with spaces",
        "inline:{{ x = { nested } }}                           | x            | { nested }",
        "inline:{a=}                                           | a            | ''",
        "static:OK                                             | anything     | OK",
        "static:{text with spaces}                             | x            | text with spaces",
        "static:{ padded }                                     | x            | padded",
        "static:relay:[smtp.example.com]:587                   | x            | relay:[smtp.example.com]:587",
        "unionmap:{inline:{a=1}, inline:{a=2, b=3}}            | a            | 1,2",
        "unionmap:{inline:{a=1}, inline:{a=2, b=3}}            | b            | 3",
        "unionmap:{inline:{a=1}, inline:{a=2, b=3}}            | c            | NULL",
        "unionmap:{inline:{a=1} static:s}                      | z            | s",
        "pipemap:{inline:{a=b}, inline:{b=c}}                  | a            | c",
        "pipemap:{inline:{a=b}, inline:{b=c}}                  | b            | NULL",
        "pipemap:{inline:{a=b}, inline:{x=c}}                  | a            | NULL",
        "pipemap:{inline:{a=B}, inline:{b=c}, static:{end}}    | A            | end",
    })
    void lookups(String spec, String key, String expected) throws Exception {
        LookupTable table = registry.open(spec);

        assertThat(get(table, key)).isEqualTo(expected);
        assertThat(table.name()).isEqualTo(spec);
        assertThat(table.isPattern()).isFalse();
    }

    @Test
    void failTablesFailEveryLookup() throws Exception {
        LookupTable table = registry.open("fail:broken");

        assertThatThrownBy(() -> table.lookup("x")).isInstanceOf(LookupException.class).hasMessageContaining("fail:broken");
    }

    @Test
    void aFailingMemberFailsUnionAndPipe() throws Exception {
        LookupTable union = registry.open("unionmap:{inline:{a=1}, fail:x}");
        LookupTable pipe = registry.open("pipemap:{inline:{a=b}, fail:x}");
        LookupTable pipeMissFirst = registry.open("pipemap:{inline:{a=b}, fail:x}");

        assertThatThrownBy(() -> union.lookup("a")).isInstanceOf(LookupException.class);
        assertThatThrownBy(() -> union.lookup("zzz")).isInstanceOf(LookupException.class);
        assertThatThrownBy(() -> pipe.lookup("a")).isInstanceOf(LookupException.class);
        // A miss before the failing member ends the pipe: the failing table is never asked.
        assertThat(pipeMissFirst.lookup("zzz")).isEmpty();
    }

    @Test
    void compositesArePatternTablesWhenAMemberIs() throws Exception {
        write(dir, "re", "/^(.*)@example\\.com$/ $1");
        LookupTable union = registry.open("unionmap:{regexp:re, inline:{x=y}}");
        LookupTable pipe = registry.open("pipemap:{regexp:re, inline:{joe=joe@example.net}}");

        assertThat(union.isPattern()).isTrue();
        assertThat(get(pipe, "JOE@example.com")).isEqualTo("joe@example.net");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "inline:a=1                    | expected inline:{key=value, ...}",
        "inline:{a}                    | \"a\": expected key=value or {key = value}",
        "inline:{=a}                   | expected key=value",
        "inline:{a = 1}                | \"a\": expected key=value or {key = value}",
        "inline:{{a=1}                 | expected inline:{key=value, ...}",
        "unionmap:inline:{a=1}         | expected unionmap:{type:name, type:name, ...}",
        "unionmap:{}                   | needs at least 1 table",
        "pipemap:{inline:{a=1}}        | needs at least 2 tables",
        "unionmap:{nosuch:x}           | unknown table type \"nosuch\"",
        "nosuch:x                      | unknown table type \"nosuch\"; known types: btree, cdb, cidr, dbm, fail, hash,"
            + " inline, ldap, lmdb, mysql, pcre, pgsql, pipemap, proxy, regexp, socketmap, sqlite, static, tcp, texthash,"
            + " unionmap",
        "no-type-here                  | expected type:name",
        "hash:                         | missing name",
    })
    void errorsNameTheTable(String spec, String reason) {
        assertThatThrownBy(() -> registry.open(spec))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining(spec)
            .hasMessageContaining(reason);
    }
}
