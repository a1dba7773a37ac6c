package dev.postern.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * This machine's name, as the {@code myhostname} default needs it, and the Postfix rules that
 * derive {@code myhostname} and {@code mydomain} from it.
 */
final class MachineHostname {
    static final String DEFAULT_DOMAIN = "localdomain";
    static final String FALLBACK = "localhost." + DEFAULT_DOMAIN;

    private MachineHostname() {
    }

    /**
     * The machine's name: the canonical (resolver) name when it is a real FQDN, otherwise the
     * configured host name. Java answers the canonical name of a host whose name maps to
     * 127.0.0.1 in /etc/hosts (most containers) with "localhost", and that of a host the
     * resolver does not know with its IP address; neither identifies this machine, so the plain
     * host name (what Postfix itself uses, gethostname()) is the better answer then.
     */
    static String lookup() {
        try {
            InetAddress local = InetAddress.getLocalHost();
            String canonical = stripTrailingDot(local.getCanonicalHostName());
            if (isUsableFqdn(canonical)) {
                return canonical;
            }
            String plain = stripTrailingDot(local.getHostName());
            return plain.isEmpty() || isIpLiteral(plain) ? FALLBACK : plain;
        } catch (UnknownHostException | SecurityException e) {
            return FALLBACK;
        }
    }

    /**
     * Postfix's {@code myhostname} default: the machine name, with {@code .$mydomain} appended
     * when it has no dot ({@code .localdomain} when mydomain is not set either). mydomain is
     * only consulted when needed, so a mydomain that refers to $myhostname is not a loop on a
     * machine that knows its FQDN.
     */
    static String myhostnameDefault(DefaultContext context) {
        String machine = context.machineHostname();
        if (machine.indexOf('.') >= 0) {
            return machine;
        }
        return qualify(machine, context.isExplicit("mydomain") ? context.expand("mydomain") : DEFAULT_DOMAIN);
    }

    /** Postfix's {@code mydomain} default, from the effective (expanded) myhostname. */
    static String mydomainDefault(DefaultContext context) {
        return parentDomain(context.expand("myhostname"));
    }

    /** A machine name without a dot gets {@code .domain} appended. */
    static String qualify(String name, String domain) {
        return name.indexOf('.') >= 0 ? name : name + "." + domain;
    }

    /** Postfix's {@code mydomain} default: myhostname minus its first label, or {@code localdomain}. */
    static String parentDomain(String hostname) {
        int dot = hostname.indexOf('.');
        return dot < 0 || dot == hostname.length() - 1 ? DEFAULT_DOMAIN : hostname.substring(dot + 1);
    }

    static boolean isUsableFqdn(String name) {
        return name.indexOf('.') > 0
                && !isIpLiteral(name)
                && !name.toLowerCase(Locale.ROOT).startsWith("localhost");
    }

    private static boolean isIpLiteral(String name) {
        return name.indexOf(':') >= 0 || name.matches("[0-9.]+");
    }

    private static String stripTrailingDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }
}
