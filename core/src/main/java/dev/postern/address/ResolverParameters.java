package dev.postern.address;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import dev.postern.config.MainCf;

/**
 * The main.cf parameters that steer {@link AddressResolver}, under their Postfix names.
 *
 * @param myhostname             appended to an address left without a domain by the resolver
 * @param mydomain               appended to a dotless domain when {@code append_dot_mydomain = yes}
 * @param myorigin               appended to a bare user name ({@code append_at_myorigin = yes})
 * @param allowPercentHack       {@code allow_percent_hack}: {@code user%domain} becomes {@code user@domain}
 * @param swapBangpath           {@code swap_bangpath}: {@code site!user} becomes {@code user@site}
 * @param resolveDequotedAddress {@code resolve_dequoted_address}: look for {@code @ % !} inside quotes
 * @param appendAtMyorigin       {@code append_at_myorigin}
 * @param appendDotMydomain      {@code append_dot_mydomain}
 * @param resolveNumericDomain   {@code resolve_numeric_domain}: {@code user@1.2.3.4} means {@code user@[1.2.3.4]}
 * @param resolveNullDomain      {@code resolve_null_domain}: {@code user@} means {@code user}
 * @param allowMinUser           {@code allow_min_user}: allow addresses that begin with {@code -}
 */
public record ResolverParameters(
        String myhostname,
        String mydomain,
        String myorigin,
        boolean allowPercentHack,
        boolean swapBangpath,
        boolean resolveDequotedAddress,
        boolean appendAtMyorigin,
        boolean appendDotMydomain,
        boolean resolveNumericDomain,
        boolean resolveNullDomain,
        boolean allowMinUser) {

    /** The parameter names, in record order, for {@link #from(Function)}. */
    public static final String MYHOSTNAME = "myhostname";
    public static final String MYDOMAIN = "mydomain";
    public static final String MYORIGIN = "myorigin";
    public static final String ALLOW_PERCENT_HACK = "allow_percent_hack";
    public static final String SWAP_BANGPATH = "swap_bangpath";
    public static final String RESOLVE_DEQUOTED_ADDRESS = "resolve_dequoted_address";
    public static final String APPEND_AT_MYORIGIN = "append_at_myorigin";
    public static final String APPEND_DOT_MYDOMAIN = "append_dot_mydomain";
    public static final String RESOLVE_NUMERIC_DOMAIN = "resolve_numeric_domain";
    public static final String RESOLVE_NULL_DOMAIN = "resolve_null_domain";
    public static final String ALLOW_MIN_USER = "allow_min_user";

    /** The yes/no parameters, whose defaults come from main.cf's parameter table. */
    public static final List<String> SWITCHES = List.of(ALLOW_PERCENT_HACK, SWAP_BANGPATH, RESOLVE_DEQUOTED_ADDRESS,
        APPEND_AT_MYORIGIN, APPEND_DOT_MYDOMAIN, RESOLVE_NUMERIC_DOMAIN, RESOLVE_NULL_DOMAIN, ALLOW_MIN_USER);

    public ResolverParameters {
        myhostname = requireText(MYHOSTNAME, myhostname);
        mydomain = requireText(MYDOMAIN, mydomain);
        myorigin = myorigin == null ? "" : myorigin.trim();
    }

    /** Postfix's defaults for a host: {@code myorigin = $myhostname}. */
    public static ResolverParameters defaults(String myhostname, String mydomain) {
        return from(name -> switch (name) {
            case MYHOSTNAME, MYORIGIN -> myhostname;
            case MYDOMAIN -> mydomain;
            default -> MainCf.defaults().get(name);
        });
    }

    /**
     * Reads every parameter by name; a boolean must be {@code yes} or {@code no}.
     *
     * @param value the effective (expanded) value of a parameter
     * @throws IllegalArgumentException naming a parameter whose value is missing or not a boolean
     */
    public static ResolverParameters from(Function<String, String> value) {
        return new ResolverParameters(
            value.apply(MYHOSTNAME),
            value.apply(MYDOMAIN),
            value.apply(MYORIGIN),
            bool(value, ALLOW_PERCENT_HACK),
            bool(value, SWAP_BANGPATH),
            bool(value, RESOLVE_DEQUOTED_ADDRESS),
            bool(value, APPEND_AT_MYORIGIN),
            bool(value, APPEND_DOT_MYDOMAIN),
            bool(value, RESOLVE_NUMERIC_DOMAIN),
            bool(value, RESOLVE_NULL_DOMAIN),
            bool(value, ALLOW_MIN_USER));
    }

    /** From main.cf; needs the parameter rows this resolver reads to be in the parameter table. */
    public static ResolverParameters from(MainCf mainCf) {
        return from(mainCf::get);
    }

    private static boolean bool(Function<String, String> value, String name) {
        String text = value.apply(name);
        if (text == null) {
            throw new IllegalArgumentException(name + ": no value");
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "yes" -> true;
            case "no" -> false;
            default -> throw new IllegalArgumentException(name + ": bad boolean value \"" + text + "\" (expected yes or no)");
        };
    }

    private static String requireText(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + ": no value");
        }
        return value.trim();
    }
}
