package dev.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.james.protocols.smtp.SMTPConfiguration;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.ReceivedDataLineFilter.Header;
import org.junit.jupiter.api.Test;

class PosternReceivedDataLineFilterTest {
    @Test
    void aControlCharacterInTheHeloNameNeverStartsALineOfItsOwn() {
        SMTPSession session = session();
        session.setAttachment(SMTPSession.CURRENT_HELO_MODE, "EHLO", State.Connection);
        session.setAttachment(SMTPSession.CURRENT_HELO_NAME,
            "x.example\rFrom: \"Your Bank\" <security@bank.example>\n\u0000\t\u007f", State.Connection);

        List<String> lines = written(session);

        assertThat(lines).allSatisfy(line -> {
            assertThat(line).endsWith("\r\n");
            assertThat(line.substring(0, line.length() - 2)).doesNotContain("\r", "\n", "\u0000", "\u007f");
        });
        assertThat(lines.get(0)).startsWith("Received: from x.example?From: \"Your Bank\" <security@bank.example>????");
        assertThat(lines.subList(1, lines.size())).allMatch(line -> line.startsWith(" ") || line.startsWith("\t"));
    }

    @Test
    void anOrdinaryHeloNameIsWrittenAsItIs() {
        SMTPSession session = session();
        session.setAttachment(SMTPSession.CURRENT_HELO_MODE, "EHLO", State.Connection);
        session.setAttachment(SMTPSession.CURRENT_HELO_NAME, "client.example", State.Connection);

        assertThat(written(session).get(0)).startsWith("Received: from client.example (unknown [192.0.2.7])");
    }

    private static List<String> written(SMTPSession session) {
        List<String> lines = new ArrayList<>();
        LineHandler<SMTPSession> sink = (s, line) -> {
            lines.add(new String(line, StandardCharsets.ISO_8859_1));
            return null;
        };
        for (Header header : new PosternReceivedDataLineFilter().headers(session)) {
            header.transferTo(session, sink);
        }
        return lines;
    }

    /** A session from 192.0.2.7 on a server named mx.example.com, keeping its attachments. */
    private static SMTPSession session() {
        SMTPConfiguration configuration = (SMTPConfiguration) Proxy.newProxyInstance(
            SMTPConfiguration.class.getClassLoader(), new Class<?>[] {SMTPConfiguration.class},
            (proxy, method, args) -> method.getName().equals("getHelloName") ? "mx.example.com" : null);
        Map<Object, Object> attachments = new HashMap<>();
        return (SMTPSession) Proxy.newProxyInstance(SMTPSession.class.getClassLoader(), new Class<?>[] {SMTPSession.class},
            (proxy, method, args) -> switch (method.getName()) {
                case "getAttachment" -> Optional.ofNullable(attachments.get(args[0]));
                case "setAttachment" -> Optional.ofNullable(attachments.put(args[0], args[1]));
                case "getRemoteAddress" -> new InetSocketAddress("192.0.2.7", 25);
                case "getConfiguration" -> configuration;
                case "getSessionID" -> "1";
                case "getCharset" -> StandardCharsets.US_ASCII;
                case "getLineDelimiter" -> "\r\n";
                default -> method.getReturnType() == boolean.class ? false : null;
            });
    }
}
