package dev.postern.address;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * How an entry for {@code example.com} covers {@code mail.example.com}, per Postfix's
 * {@code parent_domain_matches_subdomains}: a feature whose parameter name is listed there
 * lets {@code example.com} match its subdomains; the others need {@code .example.com}.
 */
public enum ParentStyle {
    /** {@code example.com} matches itself and its subdomains; access keys {@code b.com}, {@code com}. */
    PARENT_MATCHES_SUBDOMAINS,
    /** {@code example.com} matches only itself, {@code .example.com} its subdomains; keys {@code .b.com}, {@code .com}. */
    DOT_MATCHES_SUBDOMAINS;

    /** Postfix's default {@code parent_domain_matches_subdomains}. */
    public static final String POSTFIX_DEFAULT =
        "debug_peer_list,fast_flush_domains,mynetworks,permit_mx_backup_networks,qmqpd_authorized_clients,relay_domains,smtpd_access_maps";

    /** Access tables of smtpd: the feature name Postfix uses in the list. */
    public static final String SMTPD_ACCESS_MAPS = "smtpd_access_maps";

    /**
     * @param parentDomainMatchesSubdomains the value of {@code parent_domain_matches_subdomains}, split
     * @param feature                       a parameter name such as {@code relay_domains}, or {@code smtpd_access_maps}
     */
    public static ParentStyle of(Collection<String> parentDomainMatchesSubdomains, String feature) {
        return parentDomainMatchesSubdomains.contains(feature) ? PARENT_MATCHES_SUBDOMAINS : DOT_MATCHES_SUBDOMAINS;
    }

    /**
     * The parent domains a table is searched for after the name itself, nearest first:
     * {@code a.b.com} gives {@code b.com}, {@code com}, or {@code .b.com}, {@code .com}.
     */
    public List<String> parents(String domain) {
        List<String> parents = new ArrayList<>();
        for (int dot = domain.indexOf('.', 1); dot >= 0; dot = domain.indexOf('.', dot + 1)) {
            String parent = this == PARENT_MATCHES_SUBDOMAINS ? domain.substring(dot + 1) : domain.substring(dot);
            if (parent.isEmpty()) {
                break;
            }
            parents.add(parent);
        }
        return parents;
    }
}
