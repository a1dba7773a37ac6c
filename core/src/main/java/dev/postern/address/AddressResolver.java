package dev.postern.address;

import static dev.postern.address.AddressTokens.firstOp;
import static dev.postern.address.AddressTokens.hasOp;
import static dev.postern.address.AddressTokens.lastOp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import dev.postern.address.AddressTokens.Token;
import dev.postern.address.AddressTokens.Type;
import dev.postern.tables.LookupException;

/**
 * Postfix's trivial-rewrite resolver as smtpd uses it ({@code smtpd_resolve_addr}): the path
 * a client sent is reduced to its internal form, rewritten to standard form
 * ({@code rewrite_tree}) and resolved ({@code resolve_addr}): every {@code @localdomain} is
 * stripped and whatever routing remains ({@code user@a@b}, {@code user%a}, {@code a!user},
 * quoted {@code "user@a"}) is unwrapped again until the domain is remote or nothing is left.
 * What comes out is what restrictions, access tables and routing look at, so that
 * {@code relaytest%victim@[own-ip]} is judged as {@code relaytest@victim}, not as a local
 * address.
 */
public final class AddressResolver {
    /** Postfix's {@code empty_address_recipient}: what an empty local part becomes. */
    static final String EMPTY_ADDRESS_RECIPIENT = "MAILER-DAEMON";
    private static final Set<ResolvedAddress.Flag> ROUTED = Set.of(ResolvedAddress.Flag.ROUTED);
    private static final String FORBIDDEN_IN_PATH = "<>,;:()]";
    /** What {@link #isPlain} refuses among printable ASCII: the tokenizer's operators and the escape. */
    private static final String PLAIN_EXCLUDED = "@%!.:,;<>()[]\"\\";
    private static final boolean[] PLAIN = plainCharacters();

    /** Whether a domain is one of this server's local (final-destination, local class) domains. */
    @FunctionalInterface
    public interface DomainTest {
        /**
         * @param domain lower-case, one trailing dot removed
         * @throws LookupException when a table that lists the domains cannot be read
         */
        boolean test(String domain) throws LookupException;
    }

    /** Which SMTP command the path came with: only a sender may be {@code <>}. */
    public enum Role { SENDER, RECIPIENT }

    private final ResolverParameters parameters;
    private final DomainTest isLocalDomain;

    /**
     * @param isLocalDomain the local class: {@code mydestination} and the {@code [address]}
     *                      literals of this server's own addresses ({@link AddressClassifier#isLocal})
     */
    public AddressResolver(ResolverParameters parameters, DomainTest isLocalDomain) {
        this.parameters = parameters;
        this.isLocalDomain = isLocalDomain;
    }

    public ResolvedAddress resolveSender(String path) throws LookupException {
        return resolve(path, Role.SENDER);
    }

    public ResolvedAddress resolveRecipient(String path) throws LookupException {
        return resolve(path, Role.RECIPIENT);
    }

    /**
     * Resolves the one reading of a MAIL FROM or RCPT TO path: the mailbox qualified with
     * {@code $myorigin} exactly as the SMTP handlers qualify it for James's address, so that the
     * restrictions judge the text that is queued; the input kept for messages and for
     * {@code reject_non_fqdn_*} is the mailbox as read, before qualification.
     *
     * @throws LookupException as {@link #resolve(String, Role)}
     */
    public ResolvedAddress resolve(EnvelopePath path, Role role) throws LookupException {
        String input = "<" + path.mailbox() + ">";
        if (path.isNull() || path.isQualified()) {
            return resolve(input, role);
        }
        ResolvedAddress resolved = resolve("<" + path.qualified(parameters.myorigin()) + ">", role);
        return new ResolvedAddress(input, resolved.address(), resolved.flags(), resolved.reason());
    }

    /**
     * @param path the MAIL FROM or RCPT TO argument as the client sent it, with or without
     *             {@code <>} (ESMTP parameters already split off)
     * @throws LookupException when deciding whether a domain is local needs a table that failed;
     *                         the command must then be deferred, never accepted
     */
    public ResolvedAddress resolve(String path, Role role) throws LookupException {
        ResolvedAddress simple = resolveSimple(path);
        return simple != null ? simple : resolveTokenized(path, role);
    }

    /**
     * The fast path for the address nearly every client sends: {@code local@domain} (with or
     * without {@code <>}) whose local part and domain are dot-atoms of plain characters. For
     * such an address the tokenizing path changes nothing: the canonical rewrite finds an
     * {@code @} and a dotted (or, with {@code append_dot_mydomain = no}, any) domain, and the
     * resolver loop either stops at a remote domain or strips a local one, finds no routing
     * operator in the local part and puts the same domain back. So the result is
     * {@link #finish} of the text as it stands, without building token lists.
     *
     * <p>Package-private for the test that compares both paths.
     *
     * @return null when the path is anything else; {@link #resolveTokenized} then decides
     */
    ResolvedAddress resolveSimple(String path) throws LookupException {
        String text = path.trim();
        if (text.length() >= 2 && text.charAt(0) == '<' && text.charAt(text.length() - 1) == '>') {
            text = text.substring(1, text.length() - 1);
        }
        int at = dotAtomEnd(text, 0);
        if (at < 0 || at == text.length() || text.charAt(at) != '@' || dotAtomEnd(text, at + 1) != text.length()) {
            return null;
        }
        String domain = text.substring(at + 1);
        if (parameters.appendDotMydomain() && domain.indexOf('.') < 0) {
            return null;
        }
        // The answer does not change the result (a local domain is stripped and put back), but
        // the tokenizing path asks, and a table that cannot be read must defer the command there too.
        isLocal(domain);
        return finish(path, text);
    }

    /**
     * @return the index after the dot-atom (one or more runs of {@link #isPlain} characters
     *         joined by single dots) that begins at {@code start}, or -1 when there is none
     */
    private static int dotAtomEnd(String text, int start) {
        int i = start;
        int n = text.length();
        while (true) {
            int run = i;
            while (i < n && isPlain(text.charAt(i))) {
                i++;
            }
            if (i == run) {
                return -1;
            }
            if (i == n || text.charAt(i) != '.') {
                return i;
            }
            i++;
        }
    }

    /**
     * Printable ASCII that the tokenizer keeps inside an atom as it is: not white space, not
     * an RFC 822 special or routing operator ({@code @ % ! . : , ; < > ( ) [ ] "}), not the
     * backslash that escapes. Such a local part is also a dot-string, so quoting leaves it alone.
     */
    private static boolean isPlain(char c) {
        return c < 128 && PLAIN[c];
    }

    /** {@link #isPlain} by character code: a table, as the fast path asks for every character. */
    private static boolean[] plainCharacters() {
        boolean[] plain = new boolean[128];
        for (char c = '!'; c < 127; c++) {
            plain[c] = PLAIN_EXCLUDED.indexOf(c) < 0;
        }
        return plain;
    }

    /**
     * The path through Postfix's token rewriting, for every address; {@link #resolve} takes it
     * when the address is not simple. Package-private for the test that compares both paths.
     */
    ResolvedAddress resolveTokenized(String path, Role role) throws LookupException {
        String text = path.trim();
        boolean opens = text.startsWith("<");
        boolean closes = text.endsWith(">") && text.length() > (opens ? 1 : 0);
        if (opens != closes) {
            return ResolvedAddress.error(path, "", "malformed address: unbalanced <>");
        }
        if (opens) {
            text = text.substring(1, text.length() - 1);
        }
        AddressTokens.Scan scan = AddressTokens.scan(text);
        if (scan.unterminated()) {
            return ResolvedAddress.error(path, "", "malformed address: unterminated quoted string, literal or comment");
        }
        List<Token> tokens = new ArrayList<>(scan.tokens());
        stripSourceRoute(tokens);
        for (Token token : tokens) {
            if (token.type() == Type.OP && FORBIDDEN_IN_PATH.contains(token.text())) {
                return ResolvedAddress.error(path, "", "malformed address: unexpected \"" + token.text() + "\"");
            }
        }
        String internal = AddressTokens.internalize(tokens);
        if (internal.isEmpty()) {
            return role == Role.SENDER
                ? ResolvedAddress.nullSender(path)
                : ResolvedAddress.error(path, "", "null recipient address");
        }
        return resolveInternal(path, internal);
    }

    /**
     * Resolves an address already in internal (unquoted) form, such as a virtual alias result.
     * It must not be empty.
     */
    public ResolvedAddress resolveInternal(String internal) throws LookupException {
        if (internal.isEmpty()) {
            return ResolvedAddress.error(internal, "", "null address");
        }
        return resolveInternal(internal, internal);
    }

    private ResolvedAddress resolveInternal(String input, String internal) throws LookupException {
        // rewrite_clnt_internal: canonical form first (source route, bang path, percent hack, @myorigin)
        List<Token> canonical = new ArrayList<>(AddressTokens.tokens(AddressTokens.quoteLocal(internal)));
        rewriteTree(canonical);
        String rewritten = AddressTokens.internalize(canonical);

        List<Token> tree = new ArrayList<>(AddressTokens.tokens(AddressTokens.quoteLocal(rewritten)));
        List<Token> savedDomain = null;
        boolean remoteDomain = false;
        int loopMax = rewritten.length() + 100;
        for (int loop = 0; ; loop++) {
            if (loop > loopMax) {
                return ResolvedAddress.error(input, AddressTokens.internalize(tree), "address too deeply nested");
            }
            int size = tree.size();
            if (size >= 2 && tree.get(size - 1).is('.') && lastOp(tree, '@') >= 0
                    && !tree.get(size - 2).is('.') && !tree.get(size - 2).is('@')) {
                tree.remove(size - 1);
            }
            if (parameters.resolveNullDomain() && !tree.isEmpty() && tree.get(tree.size() - 1).is('@')) {
                tree.remove(tree.size() - 1);
            }
            int at = lastOp(tree, '@');
            if (at >= 0) {
                if (at + 1 < tree.size() && !isLocal(AddressTokens.internalize(tree.subList(at + 1, tree.size())))) {
                    remoteDomain = true;
                    break;
                }
                savedDomain = new ArrayList<>(tree.subList(at, tree.size()));
                tree.subList(at, tree.size()).clear();
            }
            if (hasOp(tree, '@')
                    || (parameters.swapBangpath() && hasOp(tree, '!'))
                    || (parameters.allowPercentHack() && hasOp(tree, '%'))) {
                rewriteTree(tree);
                continue;
            }
            if (parameters.resolveDequotedAddress() && tree.size() == 1 && tree.get(0).type() == Type.QSTRING) {
                String local = tree.get(0).text();
                int oper = local.lastIndexOf('@');
                if (oper < 0 && parameters.allowPercentHack()) {
                    oper = local.lastIndexOf('%');
                }
                if (oper < 0 && parameters.swapBangpath()) {
                    oper = local.lastIndexOf('!');
                }
                if (oper >= 0) {
                    char operator = local.charAt(oper);
                    if (operator == '%') {
                        local = local.substring(0, oper) + '@' + local.substring(oper + 1);
                    }
                    if (operator != '!') {
                        local = AddressTokens.quoteLocal(local);
                    }
                    tree = new ArrayList<>(AddressTokens.tokens(local));
                    rewriteTree(tree);
                    continue;
                }
            }
            if (tree.size() == 1 && tree.get(0).type() == Type.QSTRING && tree.get(0).text().isEmpty()) {
                tree.clear();
            }
            if (tree.isEmpty()) {
                tree.addAll(AddressTokens.tokens(EMPTY_ADDRESS_RECIPIENT));
            }
            break;
        }
        if (!remoteDomain) {
            if (savedDomain != null) {
                tree.addAll(savedDomain);
            } else {
                tree.add(Token.op('@'));
                tree.addAll(AddressTokens.tokens(parameters.myhostname()));
            }
        }
        return finish(input, AddressTokens.internalize(tree));
    }

    private ResolvedAddress finish(String input, String resolved) throws LookupException {
        int at = resolved.lastIndexOf('@');
        String asWritten = resolved.substring(at + 1);
        String domain = asWritten.toLowerCase(Locale.ROOT);
        // Per RCPT this is the common case: the domain is lower-case already, the text stands.
        String address = domain.equals(asWritten) ? resolved : withDomain(resolved, at, domain);
        if (domain.startsWith("[")) {
            if (!HostSyntax.isValidMailhostLiteral(domain)) {
                return ResolvedAddress.error(input, address, "invalid address literal \"" + domain + "\"");
            }
        } else if (!HostSyntax.isValidHostname(domain)) {
            if (domain.isEmpty()) {
                return ResolvedAddress.error(input, address, "empty domain");
            }
            if (!HostSyntax.isValidHostAddress(domain)) {
                return ResolvedAddress.error(input, address, "invalid domain \"" + domain + "\"");
            }
            if (!parameters.resolveNumericDomain()) {
                return ResolvedAddress.error(input, address, "numeric domain \"" + domain + "\" not written as an address literal");
            }
            domain = "[" + domain + "]";
            address = withDomain(resolved, at, domain);
        }
        if (!parameters.allowMinUser() && address.startsWith("-")) {
            return ResolvedAddress.error(input, address, "address begins with \"-\"");
        }
        if (isRouted(address, domain)) {
            return new ResolvedAddress(input, address, ROUTED, "sender-specified routing");
        }
        return new ResolvedAddress(input, address, Set.of(), "");
    }

    /** The local part of {@code resolved} (before {@code at}) with another domain. */
    private static String withDomain(String resolved, int at, String domain) {
        return resolved.substring(0, at + 1).concat(domain);
    }

    /** Sender-specified routing: the first {@code @ ! %} is not the one just before the domain. */
    private static boolean isRouted(String address, String domain) {
        int operator = firstRoutingOperator(address);
        int after = operator + 1;
        return address.length() - after != domain.length() || !address.startsWith(domain, after);
    }

    /**
     * Postfix's {@code rewrite_tree} in the local context: strip a source route; give an
     * address without {@code @} one, from a bang path, a percent hack or {@code $myorigin};
     * optionally append {@code .$mydomain}; drop one trailing dot.
     */
    private void rewriteTree(List<Token> tree) {
        if (tree.isEmpty()) {
            return;
        }
        if (tree.size() == 1 && tree.get(0).type() == Type.QSTRING && tree.get(0).text().isEmpty()) {
            return;
        }
        if (tree.size() == 1 && tree.get(0).is('@')) {
            tree.set(0, new Token(Type.QSTRING, ""));
            return;
        }
        stripSourceRoute(tree);
        if (lastOp(tree, '@') < 0) {
            int bang = firstOp(tree, '!');
            int percent = lastOp(tree, '%');
            if (parameters.swapBangpath() && bang >= 0) {
                List<Token> site = new ArrayList<>(tree.subList(0, bang));
                List<Token> user = new ArrayList<>(tree.subList(bang + 1, tree.size()));
                tree.clear();
                tree.addAll(user);
                tree.add(Token.op('@'));
                tree.addAll(site);
            } else if (parameters.allowPercentHack() && percent >= 0) {
                tree.set(percent, Token.op('@'));
            } else if (parameters.appendAtMyorigin() && !parameters.myorigin().isEmpty()) {
                tree.add(Token.op('@'));
                tree.addAll(AddressTokens.tokens(parameters.myorigin()));
            }
        }
        int at = lastOp(tree, '@');
        if (parameters.appendDotMydomain() && at >= 0 && at != tree.size() - 1) {
            List<Token> domain = tree.subList(at + 1, tree.size());
            boolean literal = domain.stream().anyMatch(t -> t.type() == Type.DOMLIT);
            if (!literal && !hasOp(domain, '.')) {
                tree.add(Token.op('.'));
                tree.addAll(AddressTokens.tokens(parameters.mydomain()));
            }
        }
        int size = tree.size();
        if (size >= 2 && tree.get(size - 1).is('.') && !tree.get(size - 2).is('.') && !tree.get(size - 2).is('@')) {
            tree.remove(size - 1);
        }
    }

    /** {@code @a,@b:user@domain} becomes {@code user@domain}: RFC 5321 says to ignore the route. */
    private static void stripSourceRoute(List<Token> tree) {
        if (!tree.isEmpty() && tree.get(0).is('@')) {
            int colon = firstOp(tree, ':');
            if (colon >= 0 && colon != tree.size() - 1) {
                tree.subList(0, colon + 1).clear();
            }
        }
    }

    /** Postfix's {@code resolve_local}: one trailing dot is ignored, two make the name non-local. */
    private boolean isLocal(String domain) throws LookupException {
        String name = domain;
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.isEmpty() || name.endsWith(".")) {
            return false;
        }
        return isLocalDomain.test(name.toLowerCase(Locale.ROOT));
    }

    /** The index of the first {@code @ ! %}, or the length when there is none. */
    private static int firstRoutingOperator(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '@' || c == '!' || c == '%') {
                return i;
            }
        }
        return text.length();
    }
}
