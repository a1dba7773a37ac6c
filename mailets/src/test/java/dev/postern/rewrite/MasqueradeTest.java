package dev.postern.rewrite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.postern.address.DomainMatchList;
import dev.postern.tables.LookupException;

class MasqueradeTest {
    @TempDir
    Path directory;

    @ParameterizedTest(name = "[{0}] {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
        example.com                         | bob@host.example.com        | bob@example.com
        example.com                         | bob@a.b.Example.COM         | bob@example.com
        example.com                         | bob@example.com             | bob@example.com
        example.com                         | bob@notexample.com          | bob@notexample.com
        example.com                         | root@host.example.com       | root@host.example.com
        example.com                         | ROOT@host.example.com       | ROOT@host.example.com
        'sub.example.com, example.com'      | bob@host.sub.example.com    | bob@sub.example.com
        'example.com, sub.example.com'      | bob@host.sub.example.com    | bob@example.com
        '!sub.example.com, example.com'     | bob@host.sub.example.com    | bob@host.sub.example.com
        '!sub.example.com, example.com'     | bob@sub.example.com         | bob@sub.example.com
        '!sub.example.com, example.com'     | bob@other.example.com       | bob@example.com
        '!sub.example.com example.com'      | bob@a.example.com           | bob@example.com
        ''                                  | bob@host.example.com        | bob@host.example.com
        example.com                         | bob                         | bob
        """)
    void leftToRightFirstMatchWins(String domains, String address, String expected) throws LookupException {
        Masquerade masquerade = new Masquerade(List.of(domains.split("[,\\s]+")),
            DomainMatchList.strings("masquerade_exceptions", List.of("root"), null));
        assertThat(masquerade.rewrite(address)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        mailer-daemon@host.example.com | mailer-daemon@host.example.com
        bob@host.example.com           | bob@example.com
        """)
    void exceptionsMayComeFromATable(String address, String expected) throws LookupException {
        String table = Cleanup.texthash(directory, "exceptions", "mailer-daemon x");
        Masquerade masquerade = new Masquerade(List.of("example.com"), DomainMatchList.strings("masquerade_exceptions",
            List.of(table), name -> Cleanup.table(directory, name)));
        assertThat(masquerade.rewrite(address)).isEqualTo(expected);
    }
}
