package dev.postern.app.postscreen;

import java.util.ArrayList;
import java.util.List;

import dev.postern.restrictions.DnsList;

/**
 * One {@code postscreen_dnsbl_sites} entry, {@code domain[=filter][*weight]}: a DNS list whose
 * listing adds {@code weight} (default 1; negative for an allowlist) to the client's score.
 */
public record DnsblSite(DnsList list, int weight) {
    private static final String PARAMETER = "postscreen_dnsbl_sites";

    /** @throws IllegalArgumentException naming {@code postscreen_dnsbl_sites} and the entry */
    public static DnsblSite parse(String entry) {
        int star = entry.lastIndexOf('*');
        int weight = 1;
        String list = entry;
        if (star >= 0) {
            String factor = entry.substring(star + 1);
            try {
                weight = Integer.parseInt(factor);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(PARAMETER + ": bad DNSBL weight factor \"" + factor + "\" in \""
                    + entry + "\"", e);
            }
            list = entry.substring(0, star);
        }
        return new DnsblSite(DnsList.parse(PARAMETER, "entry", list), weight);
    }

    public static List<DnsblSite> parseAll(List<String> entries) {
        List<DnsblSite> sites = new ArrayList<>();
        for (String entry : entries) {
            sites.add(parse(entry));
        }
        return List.copyOf(sites);
    }

    public String domain() {
        return list.domain();
    }
}
