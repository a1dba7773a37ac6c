package dev.postern.dns;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Master;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * {@link DnssecLookup} validating in this process with dnsjava's {@link ValidatingResolver}: the
 * servers of {@code postern_dns_servers} (or /etc/resolv.conf) only fetch the records and their
 * signatures, and every answer is checked up to the trust anchors of
 * {@code postern_dnssec_trust_anchor_file}. Nothing on the path to the resolver has to be
 * trusted, which trusting a resolver's AD bit would require.
 *
 * <p>Not cached beyond dnsjava's key cache: each question goes to the servers again (the
 * SMTP client asks a handful per delivery).
 */
public final class DnsjavaDnssecLookup implements DnssecLookup {
    private final ValidatingResolver resolver;
    private final String description;

    /**
     * @param trustAnchors a file of DS or DNSKEY records in zone-file form (Debian's
     *                     /usr/share/dns/root.key for the root)
     * @throws IllegalArgumentException naming {@code parameter} when the file cannot be read or holds no anchor
     */
    public DnsjavaDnssecLookup(List<DnsServer> servers, Path trustAnchors, String parameter, Duration timeout, int attempts) {
        this.resolver = new ValidatingResolver(DnsjavaLookup.resolver(servers, timeout, attempts));
        byte[] anchors;
        try {
            anchors = Files.readAllBytes(trustAnchors);
            if (anchorCount(anchors) == 0) {
                throw new IllegalArgumentException(parameter + ": no DS or DNSKEY record in " + trustAnchors);
            }
            resolver.loadTrustAnchors(new ByteArrayInputStream(anchors));
        } catch (IOException e) {
            throw new IllegalArgumentException(parameter + ": cannot read the DNSSEC trust anchors of " + trustAnchors + ": "
                + e.getMessage(), e);
        }
        this.description = DnsjavaLookup.addresses(servers) + " anchors " + trustAnchors;
    }

    public DnsjavaDnssecLookup(List<DnsServer> servers, Path trustAnchors, String parameter) {
        this(servers, trustAnchors, parameter, DnsjavaLookup.DEFAULT_TIMEOUT, DnsjavaLookup.DEFAULT_ATTEMPTS);
    }

    /** The DS and DNSKEY records of a zone-file text (dnsjava's loader skips other records silently). */
    private static int anchorCount(byte[] anchors) throws IOException {
        int count = 0;
        // A default TTL: anchor files (ldns-key2ds, a .ds file) often carry none.
        try (Master master = new Master(new ByteArrayInputStream(anchors), Name.root, 3600)) {
            Record record;
            while ((record = master.nextRecord()) != null) {
                if (record.getType() == Type.DS || record.getType() == Type.DNSKEY) {
                    count++;
                }
            }
        }
        return count;
    }

    @Override
    public ValidatedAnswer queryValidated(String name, DnsType type) {
        Name absolute;
        try {
            absolute = Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException e) {
            return ValidatedAnswer.insecure(DnsAnswer.noSuchName("malformed name " + name + ": " + e.getMessage()));
        }
        int code = DnsjavaLookup.typeCode(type);
        String what = "name=" + name + " type=" + type;
        Message response;
        try {
            response = resolver.send(Message.newQuery(Record.newRecord(absolute, code, DClass.IN)));
        } catch (IOException e) {
            // dnsjava's socket errors often carry no message: the exception's class says what failed.
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return ValidatedAnswer.insecure(DnsAnswer.temporaryFailure(why + ", " + what + " (servers " + description + ")"));
        }
        // The validator sets AD only when the whole answer, a denial included, validated.
        boolean secure = response.getHeader().getFlag(Flags.AD);
        return switch (response.getRcode()) {
            case Rcode.NOERROR -> new ValidatedAnswer(records(response, absolute, code, type, what), secure);
            case Rcode.NXDOMAIN -> new ValidatedAnswer(DnsAnswer.noSuchName("Host not found, " + what), secure);
            default -> ValidatedAnswer.insecure(DnsAnswer.temporaryFailure(Rcode.string(response.getRcode()) + failureReason(response)
                + ", " + what + " (servers " + description + ")"));
        };
    }

    /** The records of the type asked, at the end of any CNAME chain in the answer. */
    private static DnsAnswer records(Message response, Name name, int code, DnsType type, String what) {
        List<Record> records = new ArrayList<>();
        for (Record record : response.getSection(Section.ANSWER)) {
            if (record.getType() == code) {
                records.add(record);
            }
        }
        if (records.isEmpty()) {
            return DnsAnswer.noData("No data, " + what);
        }
        return DnsjavaLookup.values(records.toArray(new Record[0]), type);
    }

    /** The validator's reason for a SERVFAIL (a bogus answer), which it adds as a TXT record of a private class. */
    private static String failureReason(Message response) {
        for (Record record : response.getSection(Section.ADDITIONAL)) {
            if (record.getDClass() == ValidatingResolver.VALIDATION_REASON_QCLASS && record instanceof TXTRecord txt) {
                return " (DNSSEC validation failed: " + String.join("", txt.getStrings()) + ")";
            }
        }
        return "";
    }

    @Override
    public String toString() {
        return "DnsjavaDnssecLookup" + description;
    }
}
