package dev.postern.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.postern.app.metrics.MailLogEvent.Bounce;
import dev.postern.app.metrics.MailLogEvent.Connection;
import dev.postern.app.metrics.MailLogEvent.Discard;
import dev.postern.app.metrics.MailLogEvent.Expired;
import dev.postern.app.metrics.MailLogEvent.Hold;
import dev.postern.app.metrics.MailLogEvent.Postscreen;
import dev.postern.app.metrics.MailLogEvent.Received;
import dev.postern.app.metrics.MailLogEvent.Reject;

/** Lines of the shapes Postern's mail log writes (docs/logging-and-metrics.md, the ITs), and what each one counts as. */
class MailLogParserTest {
    private static final String TAIL = "; from=<a@b.example> to=<someone@remote.example> proto=ESMTP helo=<vm>";

    static Stream<Arguments> lines() {
        return Stream.of(
            // smtpd, on every listener
            line("smtpd", "connect from localhost[127.0.0.1]", new Connection()),
            line("submission/smtpd", "connect from unknown[127.0.0.2]", new Connection()),
            line("smtpd", "disconnect from localhost[127.0.0.1] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5", null),
            line("smtpd", "615860A55495: client=localhost[127.0.0.1]", null),
            line("smtpd", "warning: hostname nowhere.example does not resolve to address 127.0.0.2", null),
            // the queue manager
            line("qmgr", "615860A55495: from=<a@b.example>, size=449, nrcpt=1 (queue active)", new Received(449)),
            line("qmgr", "61586A000001: from=<>, size=2310, nrcpt=1 (queue active)", new Received(2310)),
            line("qmgr", "615860A55495: removed", null),
            line("qmgr", "615860A55495: from=<a@b.example>, status=expired, returned to sender", new Expired()),
            line("cleanup", "615860A55495: message-id=<20261128160746.028219@vm>", null),
            // smtpd rejects, by restriction
            line("smtpd", "NOQUEUE: reject: RCPT from unknown[127.0.0.2]: 454 4.7.1 <someone@remote.example>: Relay access denied" + TAIL,
                new Reject("454", RejectRestriction.RELAY_DENIED)),
            line("smtps/smtpd", "NOQUEUE: reject: RCPT from unknown[127.0.0.2]: 554 5.7.1 <someone@remote.example>: Relay access denied" + TAIL,
                new Reject("554", RejectRestriction.RELAY_DENIED)),
            line("smtpd", "NOQUEUE: reject: RCPT from localhost[127.0.0.1]: 550 5.1.1 <nobody@localhost>: Recipient address rejected: "
                + "User unknown in local recipient table; from=<alice@sender.example> to=<nobody@localhost> proto=ESMTP helo=<client.example>",
                new Reject("550", RejectRestriction.UNKNOWN_USER)),
            line("smtpd", "61586714B934: reject: RCPT from localhost[127.0.0.1]: 550 5.1.1 <x@virtual.example>: Recipient address rejected: "
                + "User unknown in virtual alias table" + TAIL, new Reject("550", RejectRestriction.UNKNOWN_USER)),
            line("smtpd", "NOQUEUE: reject: RCPT from unknown[127.0.0.2]: 554 5.7.1 Service unavailable; Client host [127.0.0.2] "
                + "blocked using dnsbl.test; listed" + TAIL, new Reject("554", RejectRestriction.BLOCKED)),
            line("smtpd", "NOQUEUE: reject: RCPT from unknown[127.0.0.2]: 554 5.7.1 Service unavailable; Sender address [a@spam.test] "
                + "blocked using rhsbl.test" + TAIL, new Reject("554", RejectRestriction.BLOCKED)),
            line("smtpd", "NOQUEUE: reject: MAIL from unknown[127.0.0.2]: 553 5.7.1 <spam@bad.example>: Sender address rejected: "
                + "Access denied; from=<spam@bad.example> proto=ESMTP helo=<vm>", new Reject("553", RejectRestriction.SENDER_REJECTED)),
            line("smtpd", "NOQUEUE: reject: RCPT from unknown[127.0.0.2]: 450 4.1.8 <a@nxdomain.example>: Sender address rejected: "
                + "Domain not found" + TAIL, new Reject("450", RejectRestriction.SENDER_REJECTED)),
            line("smtpd", "NOQUEUE: reject: CONNECT from unknown[192.0.2.7]: 554 5.7.1 <unknown[192.0.2.7]>: Client host rejected: "
                + "Access denied; proto=SMTP", new Reject("554", RejectRestriction.CLIENT_REJECTED)),
            line("smtpd", "NOQUEUE: reject: RCPT from unknown[127.0.0.2]: 504 5.5.2 <bad_helo>: Helo command rejected: need "
                + "fully-qualified hostname; from=<a@b.example> to=<u@mx.test> proto=ESMTP helo=<bad_helo>",
                new Reject("504", RejectRestriction.HELO_REJECTED)),
            line("smtpd", "61586714B934: reject: DATA from localhost[127.0.0.1]: 554 5.5.1 Error: no valid recipients; "
                + "from=<a@b.example> proto=ESMTP helo=<vm>", new Reject("554", RejectRestriction.OTHER)),
            line("smtpd", "NOQUEUE: reject: RCPT from unknown[127.0.0.2]: 550 5.7.1 <x@mx.test>: Recipient address rejected: no; "
                + "from=<\"Relay access denied\"@spam.example> to=<x@mx.test> proto=ESMTP helo=<vm>",
                new Reject("550", RejectRestriction.OTHER)),
            line("smtpd", "NOQUEUE: reject_warning: RCPT from unknown[127.0.0.2]: 454 4.7.1 <someone@remote.example>: Relay access denied"
                + TAIL, null),
            // access(5) and header/body actions
            line("smtpd", "NOQUEUE: hold: RCPT from localhost[127.0.0.1]: <held@mx.test>: Recipient address triggers HOLD action"
                + TAIL, new Hold()),
            line("smtpd", "NOQUEUE: discard: RCPT from localhost[127.0.0.1]: <gone@mx.test>: Recipient address triggers DISCARD action"
                + TAIL, new Discard()),
            line("cleanup", "61586714B934: hold: header Subject: for review from localhost[127.0.0.1]; from=<a@b.example> "
                + "to=<c@remote.example> proto=ESMTP helo=<vm>: needs review", new Hold()),
            line("cleanup", "61586714B934: discard: header Subject: please drop from localhost[127.0.0.1]; from=<a@b.example> "
                + "to=<c@remote.example> proto=ESMTP helo=<vm>: dropped by policy", new Discard()),
            line("cleanup", "61586714B934: reject: header Subject: forbidden fruit from localhost[127.0.0.1]; from=<a@b.example> "
                + "to=<c@remote.example> proto=ESMTP helo=<vm>: 5.7.1 no forbidden subjects", null),
            line("cleanup", "61586714B934: warning: header Subject: odd from localhost[127.0.0.1]; proto=ESMTP helo=<vm>", null),
            // delivery lines are counted from the outcome their writer hands over (MailLog.logDelivery), never parsed
            line("smtp", "615860A55495: to=<r@remote.example>, relay=mx.example.net[192.0.2.7]:25, "
                + "delay=1.2, delays=0.01/0/0.4/0.8, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as X)", null),
            line("qmgr", "615860A55495: to=<bob@localhost>, relay=none, delay=0, delays=0/0/0/0, dsn=4.6.0, "
                + "status=deferred (Alias expansion error)", null),
            // the bounce service
            line("bounce", "615860A55495: sender non-delivery notification: 61586A000001", new Bounce()),
            line("bounce", "615860A55495: postmaster non-delivery notification: 61586A000002", null),
            line("bounce", "615860A55495: sender delay notification: 61586A000003", null),
            line("postsuper", "615860A55495: placed on hold", null),
            // postscreen
            line("postscreen", "CONNECT from [192.0.2.7]:40123 to [198.51.100.1]:25", new Postscreen("connect")),
            line("postscreen", "PASS NEW [192.0.2.7]:40123", new Postscreen("pass_new")),
            line("postscreen", "PASS OLD [192.0.2.7]:40123", new Postscreen("pass_old")),
            line("postscreen", "PREGREET 18 after 0.01 from [192.0.2.7]:40123: EHLO bot\\r\\n", new Postscreen("pregreet")),
            line("postscreen", "DNSBL rank 3 for [192.0.2.7]:40123", new Postscreen("dnsbl")),
            line("postscreen", "DENYLISTED [192.0.2.7]:40123", new Postscreen("denylisted")),
            line("postscreen", "COMMAND PIPELINING from [192.0.2.7]:40123 after EHLO: MAIL FROM:<a@b>\\r\\n",
                new Postscreen("pipelining")),
            line("postscreen", "NON-SMTP COMMAND from [192.0.2.7]:40123 after CONNECT: GET / HTTP/1.0",
                new Postscreen("non_smtp_command")),
            line("postscreen", "HANGUP after 0.5 from [192.0.2.7]:40123 in tests before SMTP handshake",
                new Postscreen("hangup")),
            line("postscreen", "NOQUEUE: reject: RCPT from [192.0.2.7]:40123: 550 5.3.2 Service currently unavailable;"
                + " from=<a@b.example>, to=<c@d.example>, proto=ESMTP, helo=<x>", null));
    }

    private static Arguments line(String service, String text, MailLogEvent expected) {
        return Arguments.of(service, text, Optional.ofNullable(expected));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("lines")
    void eachLineCountsAsItsKind(String service, String text, Optional<MailLogEvent> expected) {
        assertThat(MailLogParser.parse(service, text)).isEqualTo(expected);
    }
}
