package dev.postern.app.explain;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.postern.dns.DnsType;

class TracePrinterTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final OfflineDns dns = new OfflineDns();
    private final TracePrinter printer = new TracePrinter(out, "  ", dns);

    private List<String> lines() {
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void listsRestrictionsTheirTableEntriesAndResultsIndented() {
        printer.listSkipped("smtpd_client_restrictions", "empty");
        printer.listStarts("smtpd_sender_restrictions");
        printer.tableHit("check_sender_access", "hash:/etc/postfix/access", "spammer.test", "REJECT go away");
        printer.restriction(1, "check_sender_access hash:/etc/postfix/access", "554 5.7.1 <a@spammer.test>: Sender address rejected: go away");
        printer.listEnds("smtpd_sender_restrictions", "554 5.7.1 <a@spammer.test>: Sender address rejected: go away");

        assertThat(lines()).containsExactly(
            "  smtpd_client_restrictions: skipped (empty)",
            "  smtpd_sender_restrictions:",
            "    check_sender_access hash:/etc/postfix/access -> 554 5.7.1 <a@spammer.test>: Sender address rejected: go away",
            "      matched hash:/etc/postfix/access key \"spammer.test\" = REJECT go away",
            "    smtpd_sender_restrictions -> 554 5.7.1 <a@spammer.test>: Sender address rejected: go away");
        assertThat(printer.neededDns()).isFalse();
    }

    @Test
    void restrictionClassesAreOneLevelDeeper() {
        printer.listStarts("smtpd_recipient_restrictions");
        printer.restriction(2, "permit", "OK");
        printer.restriction(1, "okclass", "OK");

        assertThat(lines()).containsExactly(
            "  smtpd_recipient_restrictions:",
            "      permit -> OK",
            "    okclass -> OK");
    }

    @Test
    void aRestrictionThatAskedTheDnsIsMarkedNotEvaluated() {
        printer.listStarts("smtpd_client_restrictions");
        printer.restriction(1, "permit_mynetworks", "DUNNO");
        dns.query("9.113.0.203.zen.example.test", DnsType.A);
        printer.restriction(1, "reject_rbl_client zen.example.test", "DUNNO");
        printer.restriction(1, "reject", "554 5.7.1 <x@y.test>: Relay access denied");

        assertThat(lines()).containsExactly(
            "  smtpd_client_restrictions:",
            "    permit_mynetworks -> DUNNO",
            "    reject_rbl_client zen.example.test -> not evaluated: needs DNS (9.113.0.203.zen.example.test A);"
                + " taken as a temporary DNS failure: DUNNO",
            // the question belongs to the restriction that asked it, not to the next one
            "    reject -> 554 5.7.1 <x@y.test>: Relay access denied");
        assertThat(printer.neededDns()).isTrue();
    }

    @Test
    void theOfflineDnsAnswersEveryQuestionAsATemporaryFailure() {
        assertThat(dns.query("example.test", DnsType.MX).isTemporaryFailure()).isTrue();
    }
}
