package dev.postern.delivery.route;

import java.util.Locale;

import org.apache.james.core.MailAddress;

import dev.postern.address.HostSyntax;

/** The domain of an address as Postfix writes it in lookups and next hops. */
final class Domains {
    private Domains() {
    }

    /**
     * Lower case; an address literal keeps its brackets ({@code [192.0.2.1]}), which James's
     * parser drops, because a bare IP address as next hop would be taken for a host name to MX.
     */
    static String of(MailAddress address) {
        String domain = address.getDomain().asString().toLowerCase(Locale.ROOT);
        if (domain.startsWith("[")) {
            return domain;
        }
        if (HostSyntax.isValidIpv4(domain)) {
            return "[" + domain + "]";
        }
        if (HostSyntax.isValidIpv6(domain)) {
            return "[ipv6:" + domain + "]";
        }
        return domain;
    }
}
