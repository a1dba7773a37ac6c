package dev.postern.delivery.smtp.tlsrpt;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code _smtp._tls.DOMAIN} TXT record of RFC 8460 §3: {@code v=TLSRPTv1; rua=URI[,URI]}.
 * Records not starting with {@code v=TLSRPTv1} are ignored; unless exactly one is left, the
 * domain asks for no reports.
 */
public final class TlsRptRecord {
    private TlsRptRecord() {
    }

    /** The rua URIs of the one TLSRPTv1 record among {@code texts}; empty when there is none. */
    public static List<String> rua(List<String> texts) {
        List<String> records = texts.stream().filter(t -> t.startsWith("v=TLSRPTv1")).toList();
        if (records.size() != 1) {
            return List.of();
        }
        String[] fields = records.get(0).split(";");
        if (!fields[0].trim().equals("v=TLSRPTv1")) {
            return List.of();
        }
        for (int i = 1; i < fields.length; i++) {
            String field = fields[i].trim();
            if (field.startsWith("rua=")) {
                List<String> uris = new ArrayList<>();
                for (String uri : field.substring(4).split(",")) {
                    if (!uri.trim().isEmpty()) {
                        uris.add(uri.trim());
                    }
                }
                return List.copyOf(uris);
            }
        }
        return List.of();
    }

    /** The mail address of a {@code mailto:} URI (percent-decoded, without headers), or empty. */
    public static java.util.Optional<String> mailto(String uri) {
        if (!uri.regionMatches(true, 0, "mailto:", 0, 7)) {
            return java.util.Optional.empty();
        }
        String address = uri.substring(7);
        int query = address.indexOf('?');
        if (query >= 0) {
            address = address.substring(0, query);
        }
        address = URLDecoder.decode(address.replace("+", "%2B"), StandardCharsets.UTF_8);
        return address.contains("@") ? java.util.Optional.of(address) : java.util.Optional.empty();
    }
}
