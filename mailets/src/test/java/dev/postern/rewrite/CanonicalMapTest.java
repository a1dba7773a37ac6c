package dev.postern.rewrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.postern.tables.LookupException;

class CanonicalMapTest {
    @TempDir
    Path directory;

    private CanonicalMap canonical(String... lines) {
        return new CanonicalMap(Cleanup.maps(directory, "canonical_maps = " + Cleanup.texthash(directory, "canonical", lines))
            .map("canonical_maps", "canonical"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        a@x.example      | c@x.example
        b@x.example      | c@x.example
        self@x.example   | self@x.example
        loop1@x.example  | loop1@x.example
        multi@x.example  | first@x.example
        other@x.example  | other@x.example
        a+ext@x.example  | c+ext@x.example
        """)
    void theResultIsLookedUpAgainUntilNothingOrARepeat(String address, String expected) throws LookupException {
        CanonicalMap map = canonical("a@x.example b@x.example", "b@x.example c@x.example", "self@x.example self@x.example",
            "loop1@x.example loop2@x.example", "loop2@x.example loop1@x.example", "multi@x.example first@x.example, second@x.example");
        assertThat(map.rewrite(address)).isEqualTo(expected);
    }

    @Test
    void aChainLongerThanTenIsAnError() throws LookupException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            lines.add("n" + i + "@x.example n" + (i + 1) + "@x.example");
        }
        CanonicalMap map = canonical(lines.toArray(new String[0]));
        assertThat(map.rewrite("n1@x.example")).as("nine rewrites").isEqualTo("n10@x.example");
        assertThatThrownBy(() -> map.rewrite("n0@x.example"))
            .isInstanceOf(LookupException.class)
            .hasMessageContaining("canonical_maps: unreasonable nesting for n0@x.example");
    }

    @Test
    void aFailureAnywhereInTheChainIsAnError() {
        CanonicalMap map = new CanonicalMap(Cleanup.maps(directory,
            "canonical_maps = inline:{a@x.example=b@y.example}, fail:broken").map("canonical_maps", "canonical"));
        assertThatThrownBy(() -> map.rewrite("a@x.example")).isInstanceOf(LookupException.class);
    }
}
