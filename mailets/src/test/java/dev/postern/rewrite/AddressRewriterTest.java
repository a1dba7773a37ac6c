package dev.postern.rewrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressRewriterTest {
    @TempDir
    Path directory;

    /**
     * sender_canonical: s@x → sender@x; recipient_canonical: r@x → rcpt@x; canonical_maps:
     * sender@x, rcpt@x and c@x → ...@host.example.com; masquerading example.com.
     */
    private AddressRewriter rewriter(String... lines) {
        String[] all = new String[lines.length + 4];
        all[0] = "sender_canonical_maps = inline:{s@x.example=sender@x.example}";
        all[1] = "recipient_canonical_maps = inline:{r@x.example=rcpt@x.example}";
        all[2] = "canonical_maps = inline:{sender@x.example=sender@host.example.com, rcpt@x.example=rcpt@host.example.com,"
            + " c@x.example=c@host.example.com, s@x.example=common@x.example}";
        all[3] = "masquerade_domains = example.com";
        System.arraycopy(lines, 0, all, 4, lines.length);
        return Cleanup.maps(directory, all).rewriter();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
        # defaults: sender canonical for senders, recipient canonical for recipients, then canonical, then masquerading
        ENVELOPE_SENDER    | s@x.example | sender@example.com
        HEADER_SENDER      | s@x.example | sender@example.com
        ENVELOPE_RECIPIENT | s@x.example | common@x.example
        ENVELOPE_RECIPIENT | r@x.example | rcpt@host.example.com
        HEADER_RECIPIENT   | r@x.example | rcpt@example.com
        ENVELOPE_SENDER    | r@x.example | r@x.example
        ENVELOPE_SENDER    | c@x.example | c@example.com
        ENVELOPE_RECIPIENT | c@x.example | c@host.example.com
        HEADER_RECIPIENT   | c@x.example | c@example.com
        """)
    void defaultClasses(AddressKind kind, String address, String expected) throws Exception {
        assertThat(rewriter().rewrite(address, kind)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
        ENVELOPE_SENDER    | s@x.example | sender@host.example.com
        HEADER_SENDER      | s@x.example | s@x.example
        ENVELOPE_RECIPIENT | r@x.example | r@x.example
        HEADER_RECIPIENT   | r@x.example | rcpt@x.example
        HEADER_RECIPIENT   | c@x.example | c@x.example
        ENVELOPE_RECIPIENT | c@host.example.com | c@example.com
        """)
    void classesChooseWhatEachStepRewrites(AddressKind kind, String address, String expected) throws Exception {
        AddressRewriter rewriter = rewriter("sender_canonical_classes = envelope_sender",
            "recipient_canonical_classes = header_recipient", "canonical_classes = envelope_sender",
            "masquerade_classes = envelope_recipient");
        assertThat(rewriter.rewrite(address, kind)).isEqualTo(expected);
    }

    @Test
    void nothingToDoIsKnownBeforeAnyLookup() {
        AddressRewriter none = Cleanup.maps(directory).rewriter();
        for (AddressKind kind : AddressKind.values()) {
            assertThat(none.rewrites(kind)).as(kind.name()).isFalse();
        }
        AddressRewriter masqueradeOnly = Cleanup.maps(directory, "masquerade_domains = example.com").rewriter();
        assertThat(masqueradeOnly.rewrites(AddressKind.ENVELOPE_SENDER)).isTrue();
        assertThat(masqueradeOnly.rewrites(AddressKind.ENVELOPE_RECIPIENT)).as("not in the default masquerade_classes").isFalse();
    }

    @Test
    void anUnknownClassNamesTheParameter() {
        assertThatThrownBy(() -> Cleanup.maps(directory, "canonical_classes = envelope_sender, body").rewriter())
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("canonical_classes: unknown address class \"body\"");
    }
}
