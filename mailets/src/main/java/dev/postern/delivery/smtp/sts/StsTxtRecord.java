package dev.postern.delivery.smtp.sts;

import java.util.List;
import java.util.Optional;

/**
 * The {@code _mta-sts.DOMAIN} TXT record (RFC 8461 §3.1): {@code v=STSv1; id=...;}. Records not
 * starting with {@code v=STSv1} are discarded; unless exactly one is left and it is valid (an id
 * of 1 to 32 letters and digits), the domain has no usable policy record.
 */
public final class StsTxtRecord {
    private StsTxtRecord() {
    }

    /** The policy id of the one valid STSv1 record among {@code texts}, or empty. */
    public static Optional<String> policyId(List<String> texts) {
        List<String> sts = texts.stream().filter(t -> t.startsWith("v=STSv1")).toList();
        if (sts.size() != 1) {
            return Optional.empty();
        }
        String[] fields = sts.get(0).split(";", -1);
        if (!fields[0].trim().equals("v=STSv1")) {
            return Optional.empty();
        }
        String id = null;
        for (int i = 1; i < fields.length; i++) {
            String field = fields[i].trim();
            if (field.isEmpty()) {
                continue;
            }
            int equals = field.indexOf('=');
            if (equals <= 0) {
                return Optional.empty();
            }
            if (field.substring(0, equals).equals("id") && id == null) {
                id = field.substring(equals + 1);
            }
        }
        return id != null && id.matches("[A-Za-z0-9]{1,32}") ? Optional.of(id) : Optional.empty();
    }
}
