package dev.postern.rewrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VirtualAliasExpanderTest {
    private static final String[] TABLE = {
        "team@v.example       alice@mx.example, bob@mx.example, carol@remote.example",
        "all@v.example        team@v.example, dave@remote.example",
        "self@v.example       self@v.example, archive@mx.example",
        "twice@v.example      alice@mx.example, ALICE@mx.example, team@v.example",
        "moved@v.example      @new.example",
        "@old.example         @new.example",
        "user@v.example       real@mx.example",
        "@catch.example       postmaster@mx.example",
        "loop1@v.example      loop2@v.example",
        "loop2@v.example      loop1@v.example",
        "local                localuser@elsewhere.example",
        "bare@v.example       bare",
    };

    @TempDir
    Path directory;

    private VirtualAliasExpander expander(String... more) {
        String[] lines = new String[more.length + 2];
        lines[0] = "virtual_alias_maps = " + Cleanup.texthash(directory, "virtual", TABLE);
        System.arraycopy(more, 0, lines, 1, more.length);
        lines[lines.length - 1] = "myorigin = origin.example";
        return Cleanup.maps(directory, lines).virtualAliases();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        # one to many, and each result looked up again
        team@v.example       | alice@mx.example ; bob@mx.example ; carol@remote.example
        all@v.example        | alice@mx.example ; dave@remote.example ; bob@mx.example ; carol@remote.example
        # an address in its own expansion is kept and not looked up again
        self@v.example       | self@v.example ; archive@mx.example
        # duplicates (ignoring case) are removed, the first kept
        twice@v.example      | alice@mx.example ; bob@mx.example ; carol@remote.example
        # @domain keeps the local part; extensions propagate (virtual is in the default list)
        moved@v.example      | moved@new.example
        anyone@old.example   | anyone@new.example
        anyone+x@old.example | anyone+x@new.example
        user+tag@v.example   | real+tag@mx.example
        x@catch.example      | postmaster@mx.example
        # local-part keys only for local domains; a bare result gets @$myorigin
        local@mx.example     | localuser@elsewhere.example
        local@remote.example | local@remote.example
        bare@v.example       | bare@origin.example
        nobody@v.example     | nobody@v.example
        """)
    void expansion(String address, String expected) throws Exception {
        assertThat(expander().expand(address)).containsExactlyElementsOf(Cleanup.list(expected));
    }

    @Test
    void extensionsDoNotPropagateWhenVirtualIsNotListed() throws Exception {
        assertThat(expander("propagate_unmatched_extensions = canonical").expand("user+tag@v.example"))
            .containsExactly("real@mx.example");
    }

    @Test
    void aLoopRunsIntoTheRecursionLimit() {
        assertThatThrownBy(() -> expander("virtual_alias_recursion_limit = 5").expand("loop1@v.example"))
            .isInstanceOf(VirtualAliasExpander.ExpansionException.class)
            .hasMessageContaining("virtual_alias_maps: unreasonable nesting for loop1@v.example")
            .hasMessageContaining("virtual_alias_recursion_limit = 5");
    }

    @ParameterizedTest(name = "depth limit {0}")
    @CsvSource({"2, false", "3, true"})
    void theRecursionLimitCountsTheLookupsOfOneAddress(int limit, boolean succeeds) {
        // all -> team -> alice: the third lookup (of alice, which finds nothing) needs a limit of 3, as in Postfix
        VirtualAliasExpander expander = expander("virtual_alias_recursion_limit = " + limit);
        if (succeeds) {
            assertThat(catching(() -> expander.expand("all@v.example"))).isNull();
        } else {
            assertThat(catching(() -> expander.expand("all@v.example")))
                .isInstanceOf(VirtualAliasExpander.ExpansionException.class);
        }
    }

    @ParameterizedTest(name = "expansion limit {0}")
    @CsvSource({"3, true", "2, false"})
    void theExpansionLimitCountsAddresses(int limit, boolean succeeds) {
        VirtualAliasExpander expander = expander("virtual_alias_expansion_limit = " + limit);
        Throwable thrown = catching(() -> expander.expand("team@v.example"));
        if (succeeds) {
            assertThat(thrown).isNull();
        } else {
            assertThat(thrown).isInstanceOf(VirtualAliasExpander.ExpansionException.class)
                .hasMessageContaining("virtual_alias_expansion_limit = 2");
        }
    }

    @Test
    void aFailingTableIsAnExpansionError() {
        VirtualAliasExpander expander = Cleanup.maps(directory, "virtual_alias_maps = inline:{a@v.example=b@v.example}, fail:x")
            .virtualAliases();
        assertThatThrownBy(() -> expander.expand("a@v.example"))
            .isInstanceOf(VirtualAliasExpander.ExpansionException.class)
            .hasMessageContaining("virtual_alias_maps");
    }

    private interface Call {
        void run() throws Exception;
    }

    private static Throwable catching(Call call) {
        try {
            call.run();
            return null;
        } catch (Exception e) {
            return e;
        }
    }
}
