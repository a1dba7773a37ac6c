package dev.postern.tables.ldap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.naming.directory.SearchControls;

import dev.postern.config.ConfigException;
import dev.postern.config.MainCfParser;
import dev.postern.config.PostfixList;

/**
 * The settings of an {@code ldap:} table file, in ldap_table(5)'s {@code name = value} syntax (that
 * of main.cf), with Postfix's defaults. Parameters this implementation does not know are ignored,
 * as Postfix ignores them; values it cannot honour (bind = sasl, ldapi:// URLs) are errors naming
 * the file, line and parameter. {@link #toString()} leaves bind_pw out, so it cannot reach a log.
 */
record LdapSettings(
        Path file,
        List<String> serverUrls,
        KeyExpansion searchBase,
        KeyExpansion queryFilter,
        List<String> resultAttributes,
        List<String> specialResultAttributes,
        List<String> terminalResultAttributes,
        List<String> leafResultAttributes,
        int scope,
        boolean bind,
        String bindDn,
        String bindPw,
        boolean startTls,
        int version,
        List<String> domains,
        KeyExpansion resultFormat,
        int sizeLimit,
        Duration timeout,
        String dereference,
        int expansionLimit,
        int recursionLimit,
        boolean chaseReferrals) {

    private static final String[] DEREFERENCE = {"never", "searching", "finding", "always"};

    /** One parameter as read from the file: its value and line, for messages. */
    private record Value(String text, int line) {
    }

    /** Reads {@code file}. @throws ConfigException naming FILE:LINE and the parameter for a bad value. */
    static LdapSettings load(Path file) throws ConfigException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": ldap table file not found");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read ldap table file: " + e.getMessage(), e);
        }
        return parse(file, lines);
    }

    static LdapSettings parse(Path file, List<String> lines) throws ConfigException {
        Map<String, Value> values = new HashMap<>();
        for (MainCfParser.Entry entry : MainCfParser.parse(lines)) {
            if (entry instanceof MainCfParser.Malformed malformed) {
                throw new ConfigException(file + ":" + malformed.line() + ": " + malformed.reason());
            }
            MainCfParser.Setting setting = (MainCfParser.Setting) entry;
            values.put(setting.name(), new Value(setting.value(), setting.line()));
        }
        Reader reader = new Reader(file, values);
        int expansionLimit = reader.number("expansion_limit", 0);
        String bindMode = reader.text("bind", "yes").toLowerCase(Locale.ROOT);
        boolean bind = switch (bindMode) {
            case "yes", "true" -> true;
            case "no", "false" -> false;
            case "sasl" -> throw reader.error("bind", "bind = sasl is not supported (use bind = yes with bind_dn and bind_pw)");
            default -> throw reader.error("bind", "expected yes, no or sasl, found \"" + bindMode + "\"");
        };
        int version = reader.number("version", 2);
        if (version != 2 && version != 3) {
            throw reader.error("version", "expected 2 or 3, found " + version);
        }
        return new LdapSettings(file,
            serverUrls(reader),
            reader.expansion("search_base", ""),
            reader.expansion("query_filter", "(mailacceptinggeneralid=%s)"),
            reader.list("result_attribute", "maildrop"),
            reader.list("special_result_attribute", ""),
            reader.list("terminal_result_attribute", ""),
            reader.list("leaf_result_attribute", ""),
            scope(reader),
            bind,
            reader.text("bind_dn", ""),
            reader.text("bind_pw", ""),
            reader.bool("start_tls", false),
            version,
            reader.list("domain", "").stream().map(d -> d.toLowerCase(Locale.ROOT)).toList(),
            reader.expansion("result_format", reader.text("result_filter", "%s")),
            reader.number("size_limit", expansionLimit),
            Duration.ofSeconds(reader.number("timeout", 10)),
            dereference(reader),
            expansionLimit,
            reader.number("recursion_limit", 1000),
            reader.bool("chase_referrals", false));
    }

    private static List<String> serverUrls(Reader reader) throws ConfigException {
        int port = reader.number("server_port", 389);
        List<String> urls = new ArrayList<>();
        for (String host : reader.list("server_host", "localhost")) {
            String lower = host.toLowerCase(Locale.ROOT);
            if (lower.startsWith("ldapi:")) {
                throw reader.error("server_host", "ldapi:// (LDAP over a UNIX-domain socket) is not supported: " + host);
            }
            if (lower.startsWith("ldap://") || lower.startsWith("ldaps://")) {
                int slash = host.indexOf('/', lower.indexOf("//") + 2);
                urls.add(slash < 0 ? host : host.substring(0, slash));
            } else if (lower.contains("://")) {
                throw reader.error("server_host", "unsupported URL scheme in \"" + host + "\" (ldap:// or ldaps://)");
            } else {
                boolean hasPort = host.startsWith("[") ? host.contains("]:") : host.contains(":");
                urls.add("ldap://" + host + (hasPort ? "" : ":" + port));
            }
        }
        if (urls.isEmpty()) {
            throw reader.error("server_host", "no server");
        }
        return List.copyOf(urls);
    }

    private static int scope(Reader reader) throws ConfigException {
        String scope = reader.text("scope", "sub").toLowerCase(Locale.ROOT);
        return switch (scope) {
            case "sub" -> SearchControls.SUBTREE_SCOPE;
            case "one" -> SearchControls.ONELEVEL_SCOPE;
            case "base" -> SearchControls.OBJECT_SCOPE;
            default -> throw reader.error("scope", "expected sub, one or base, found \"" + scope + "\"");
        };
    }

    private static String dereference(Reader reader) throws ConfigException {
        int level = reader.number("dereference", 0);
        if (level < 0 || level > 3) {
            throw reader.error("dereference", "expected 0 (never), 1 (searching), 2 (finding) or 3 (always), found " + level);
        }
        return DEREFERENCE[level];
    }

    /** Every attribute a search asks for. */
    List<String> requestedAttributes() {
        List<String> all = new ArrayList<>(resultAttributes);
        all.addAll(specialResultAttributes);
        all.addAll(terminalResultAttributes);
        all.addAll(leafResultAttributes);
        return all.stream().distinct().toList();
    }

    @Override
    public String toString() {
        return "LdapSettings[file=" + file + ", server_host=" + serverUrls + ", bind=" + bind + ", bind_dn=" + bindDn
            + ", bind_pw=" + (bindPw.isEmpty() ? "" : "(hidden)") + ", start_tls=" + startTls + ", version=" + version + "]";
    }

    private record Reader(Path file, Map<String, Value> values) {
        String text(String name, String fallback) {
            Value value = values.get(name);
            return value == null ? fallback : value.text();
        }

        List<String> list(String name, String fallback) {
            return PostfixList.split(text(name, fallback));
        }

        int number(String name, int fallback) throws ConfigException {
            Value value = values.get(name);
            if (value == null) {
                return fallback;
            }
            try {
                int number = Integer.parseInt(value.text().trim());
                if (number < 0) {
                    throw error(name, "must not be negative: " + number);
                }
                return number;
            } catch (NumberFormatException e) {
                throw error(name, "expected a number, found \"" + value.text() + "\"");
            }
        }

        boolean bool(String name, boolean fallback) throws ConfigException {
            String text = text(name, fallback ? "yes" : "no").toLowerCase(Locale.ROOT);
            return switch (text) {
                case "yes", "true" -> true;
                case "no", "false" -> false;
                default -> throw error(name, "expected yes or no, found \"" + text + "\"");
            };
        }

        KeyExpansion expansion(String name, String fallback) throws ConfigException {
            try {
                return KeyExpansion.parse(text(name, fallback));
            } catch (IllegalArgumentException e) {
                throw error(name, e.getMessage());
            }
        }

        ConfigException error(String name, String message) {
            Value value = values.get(name);
            return new ConfigException(file + (value == null ? "" : ":" + value.line()) + ": " + name + ": " + message);
        }
    }
}
