package dev.postern.app.postscreen;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

import dev.postern.address.NetworkList;
import dev.postern.config.ConfigException;
import dev.postern.config.MainCf;
import dev.postern.tables.LookupException;
import dev.postern.tables.LookupTable;
import dev.postern.tables.TableRegistry;

/**
 * The {@code postscreen_*} parameters of one postscreen listener (main.cf with its master.cf
 * {@code -o}), checked once at start so that a bad value stops the server naming the parameter.
 */
public record PostscreenSettings(PostscreenAccessList accessList, PostscreenAction denylistAction,
                                 String greetBanner, Duration greetWait, PostscreenAction greetAction,
                                 Duration greetTtl, java.util.List<DnsblSite> dnsblSites, int dnsblThreshold,
                                 int dnsblAllowlistThreshold, PostscreenAction dnsblAction,
                                 Optional<LookupTable> dnsblReplyMap, Duration dnsblTimeout, Duration dnsblTtl,
                                 boolean upstreamProxy, Duration upstreamProxyTimeout, String smtpdBanner,
                                 DeepTests deep) {

    /** @throws ConfigException naming the parameter that Postern cannot use */
    public static PostscreenSettings from(MainCf cf, TableRegistry tables) throws ConfigException {
        Function<String, LookupTable> opener = name -> {
            try {
                return tables.open(name);
            } catch (ConfigException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        };
        try {
            NetworkList mynetworks = NetworkList.parse("mynetworks", cf.list("mynetworks"), opener);
            String replyMap = cf.get("postscreen_dnsbl_reply_map").trim();
            Duration minTtl = cf.duration("postscreen_dnsbl_min_ttl");
            Duration maxTtl = cf.duration("postscreen_dnsbl_max_ttl");
            return new PostscreenSettings(
                PostscreenAccessList.parse(cf.list("postscreen_access_list"), mynetworks, opener),
                PostscreenAction.parse("postscreen_denylist_action", cf.get("postscreen_denylist_action")),
                cf.get("postscreen_greet_banner"),
                cf.duration("postscreen_greet_wait"),
                PostscreenAction.parse("postscreen_greet_action", cf.get("postscreen_greet_action")),
                cf.duration("postscreen_greet_ttl"),
                DnsblSite.parseAll(cf.list("postscreen_dnsbl_sites")),
                (int) cf.number("postscreen_dnsbl_threshold"),
                (int) cf.number("postscreen_dnsbl_allowlist_threshold"),
                PostscreenAction.parse("postscreen_dnsbl_action", cf.get("postscreen_dnsbl_action")),
                replyMap.isEmpty() ? Optional.empty() : Optional.of(opener.apply(replyMap)),
                cf.duration("postscreen_dnsbl_timeout"),
                // DNS answers reach Postern without their TTL: a pass is kept max_ttl, never below min_ttl
                maxTtl.compareTo(minTtl) < 0 ? minTtl : maxTtl,
                proxy("postscreen_upstream_proxy_protocol", cf),
                cf.duration("postscreen_upstream_proxy_timeout"),
                cf.get("smtpd_banner"),
                DeepTests.from(cf));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage(), e);
        }
    }

    /** Whether a listener expects a PROXY protocol header: empty (no) or {@code haproxy} (v1 or v2). */
    public static boolean proxy(String parameter, MainCf cf) {
        String value = cf.get(parameter).trim().toLowerCase(Locale.ROOT);
        if (value.isEmpty()) {
            return false;
        }
        if (value.equals("haproxy")) {
            return true;
        }
        throw new IllegalArgumentException(cf.origin(parameter) + ": " + parameter + ": \"" + value
            + "\" is not empty or haproxy");
    }

    /** The cache file: {@code postscreen_cache_map}, relative to the Postern home. */
    public static Path cacheFile(MainCf cf, Path home) {
        String value = cf.get("postscreen_cache_map").trim();
        int colon = value.indexOf(':');
        if (colon > 0 && !value.substring(0, colon).contains("/")) {
            // a Postfix btree:/hash: name: Postern keeps its own format under the same path
            value = value.substring(colon + 1);
        }
        return home.resolve(value);
    }

    /** The list name a reject reply shows: {@code postscreen_dnsbl_reply_map}'s value for it, else the name itself. */
    public String replyName(String domain) {
        if (dnsblReplyMap.isEmpty()) {
            return domain;
        }
        try {
            return dnsblReplyMap.get().lookup(domain).map(String::trim).orElse(domain);
        } catch (LookupException e) {
            return domain;
        }
    }
}
