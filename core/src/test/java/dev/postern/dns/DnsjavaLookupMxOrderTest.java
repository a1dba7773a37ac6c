package dev.postern.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Section;

/** MX answers come back lowest preference first, whatever order the server or dnsjava's cache gives. */
class DnsjavaLookupMxOrderTest {

    @Test
    void mxHostsAreInPreferenceOrder() throws Exception {
        try (DatagramSocket server = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            Thread responder = new Thread(() -> answer(server));
            responder.setDaemon(true);
            responder.start();

            DnsjavaLookup lookup = new DnsjavaLookup(List.of(new DnsServer("127.0.0.1", server.getLocalPort())),
                Duration.ofSeconds(2), 1);
            // dnsjava rotates the records of a cached answer on every use (round robin), so
            // asking again from its cache is what would break the preference order.
            for (int i = 0; i < 3; i++) {
                DnsAnswer answer = lookup.query("example.com", DnsType.MX);
                assertThat(answer.values()).as("query %d", i)
                    .containsExactly("z-first.example.com", "m-second.example.com", "a-third.example.com");
                // permit_mx_backup tells the primary MX hosts by their preference
                assertThat(answer.preferences()).as("query %d", i).containsExactly(10, 20, 30);
                assertThat(answer.primaryMx()).as("query %d", i).containsExactly("z-first.example.com");
            }
        }
    }

    private static void answer(DatagramSocket server) {
        try {
            byte[] buffer = new byte[512];
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            server.receive(packet);
            Message query = new Message(java.util.Arrays.copyOf(buffer, packet.getLength()));
            Message response = new Message(query.getHeader().getID());
            response.getHeader().setFlag(Flags.QR);
            response.getHeader().setFlag(Flags.AA);
            response.getHeader().setFlag(Flags.RD);
            response.getHeader().setFlag(Flags.RA);
            response.addRecord(query.getQuestion(), Section.QUESTION);
            Name name = query.getQuestion().getName();
            response.addRecord(new MXRecord(name, DClass.IN, 60, 30, Name.fromString("a-third.example.com.")), Section.ANSWER);
            response.addRecord(new MXRecord(name, DClass.IN, 60, 10, Name.fromString("z-first.example.com.")), Section.ANSWER);
            response.addRecord(new MXRecord(name, DClass.IN, 60, 20, Name.fromString("m-second.example.com.")), Section.ANSWER);
            byte[] wire = response.toWire();
            server.send(new DatagramPacket(wire, wire.length, packet.getSocketAddress()));
        } catch (Exception e) {
            // The lookup then times out and the assertion says so.
        }
    }
}
