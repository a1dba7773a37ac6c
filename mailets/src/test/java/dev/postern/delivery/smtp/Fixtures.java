package dev.postern.delivery.smtp;

import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;

import dev.postern.config.ComponentParameters;
import dev.postern.config.MainCf;
import dev.postern.delivery.Delivery;
import dev.postern.delivery.route.Route;
import dev.postern.dns.DnsAnswer;
import dev.postern.dns.DnsLookup;
import dev.postern.dns.DnsType;
import dev.postern.tables.LookupException;
import dev.postern.tables.LookupTable;

/** Shared pieces of the courier tests. */
final class Fixtures {
    private Fixtures() {
    }

    static ComponentParameters parameters(String... lines) throws Exception {
        List<String> all = new ArrayList<>(List.of("myhostname = client.test", "smtp_helo_timeout = 5s",
            "smtp_connect_timeout = 5s"));
        all.addAll(List.of(lines));
        // Most tests want the server's whole conversation, QUIT included, right after delivery.
        if (all.stream().noneMatch(l -> l.startsWith("smtp_connection_cache_time_limit"))) {
            all.add("smtp_connection_cache_time_limit = 0s");
        }
        return ComponentParameters.of(MainCf.parse("main.cf", all, Map.of()), name -> Optional.empty(), "test");
    }

    static Mail rawMail(String sender, String raw, String... recipients) throws Exception {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()),
            new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8)));
        List<MailAddress> addresses = new ArrayList<>();
        for (String r : recipients) {
            addresses.add(new MailAddress(r));
        }
        FakeMail.Builder builder = FakeMail.builder().name("m1").mimeMessage(message).recipients(addresses);
        if (sender.isEmpty()) {
            builder.sender(org.apache.james.core.MaybeSender.nullSender());
        } else {
            builder.sender(sender);
        }
        return builder.build();
    }

    static Mail mail(String... recipients) throws Exception {
        return rawMail("sender@example.org", "Subject: test\r\nFrom: sender@example.org\r\n\r\nHello\r\n", recipients);
    }

    static Delivery delivery(Mail mail, String route) {
        Route.Parsed parsed = Route.parse(route);
        return new Delivery("4ABCDEF01", mail, new ArrayList<>(mail.getRecipients()),
            new Route(parsed.transport().orElseThrow(), parsed.nexthop().orElse("")), Instant.now());
    }

    /** A loopback port that was free a moment ago, for a server the test starts on it. */
    static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    /** DNS answers by "name TYPE"; anything else does not exist. */
    static final class FakeDns implements DnsLookup {
        final Map<String, DnsAnswer> answers = new HashMap<>();
        final List<String> asked = new ArrayList<>();

        FakeDns with(String name, DnsType type, DnsAnswer answer) {
            answers.put(name + " " + type, answer);
            return this;
        }

        FakeDns with(String name, DnsType type, String... values) {
            return with(name, type, DnsAnswer.found(List.of(values)));
        }

        @Override
        public synchronized DnsAnswer query(String name, DnsType type) {
            asked.add(name + " " + type);
            return answers.getOrDefault(name + " " + type, DnsAnswer.noSuchName("Host not found, name=" + name));
        }
    }

    /** A table of fixed entries that records the keys it was asked. */
    static final class MapTable implements LookupTable {
        final Map<String, String> entries;
        final List<String> asked = new ArrayList<>();

        MapTable(Map<String, String> entries) {
            this.entries = entries;
        }

        @Override
        public Optional<String> lookup(String key) throws LookupException {
            asked.add(key);
            return Optional.ofNullable(entries.get(key.toLowerCase(java.util.Locale.ROOT)));
        }

        @Override
        public String name() {
            return "test:map";
        }

        @Override
        public boolean isPattern() {
            return false;
        }
    }
}
