package dev.postern.app;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.postern.config.MainCfParser;
import dev.postern.config.ParameterStatus;
import dev.postern.config.Parameters;
import dev.postern.config.PostfixParameter;
import dev.postern.config.PostfixParameters;
import dev.postern.tables.TableRegistry;

/**
 * What {@code postern import-postfix} reports about a main.cf before the check runs: each
 * parameter set, by what Postern does with it, and each lookup table named, by whether Postern
 * reads its type. Read from the text, so that it reports on a main.cf that does not load.
 */
final class PostfixConfigSurvey {
    /** Every table type Postfix 3.7 knows (table(5), {@code postconf -m}); a word before a colon that is none of these is no table. */
    private static final Set<String> POSTFIX_TABLE_TYPES = Set.of("btree", "cdb", "cidr", "dbm", "environ", "fail",
        "hash", "inline", "internal", "ldap", "lmdb", "memcache", "mongodb", "mysql", "netinfo", "nis", "nisplus",
        "pcre", "pgsql", "pipemap", "proxy", "randmap", "regexp", "sdbm", "socketmap", "sqlite", "static", "tcp",
        "texthash", "unionmap", "unix");
    /** A {@code type:name} word, an inline table's braces kept whole; {@code inet:} and {@code unix:} sockets are told apart later. */
    private static final Pattern TABLE = Pattern.compile("(?<![\\w:./-])([a-z]+):(\\{[^}]*}|[^\\s,]+)");

    /** How one parameter of the file is taken. */
    enum Kind {
        IMPLEMENTED("implemented"), INERT("inert"), NOT_IMPLEMENTED("not implemented"),
        USER_DEFINED("user-defined"), UNUSED("unused");

        private final String words;

        Kind(String words) {
            this.words = words;
        }

        String words() {
            return words;
        }
    }

    /**
     * One setting of main.cf; {@code safety} for a not-implemented one that stops a start,
     * {@code postfixDefault} for one that sets Postfix's default and so asks for nothing.
     */
    record Setting(int line, String name, String value, Kind kind, boolean safety, boolean postfixDefault) {
    }

    /** One table named in main.cf or master.cf. */
    record Table(String spec, String type, boolean supported) {
    }

    private final List<Setting> settings;
    private final List<Table> tables;

    private PostfixConfigSurvey(List<Setting> settings, List<Table> tables) {
        this.settings = settings;
        this.tables = tables;
    }

    /** Surveys main.cf's lines, and master.cf's for the tables its {@code -o} values name (empty if none). */
    static PostfixConfigSurvey of(List<String> mainCf, List<String> masterCf) {
        Map<String, MainCfParser.Setting> parsed = new LinkedHashMap<>();
        for (MainCfParser.Entry entry : MainCfParser.parse(mainCf)) {
            if (entry instanceof MainCfParser.Setting setting) {
                parsed.remove(setting.name());
                parsed.put(setting.name(), setting);
            }
        }
        String allValues = String.join("\n", parsed.values().stream().map(MainCfParser.Setting::value).toList())
            + "\n" + String.join("\n", masterCf);
        List<Setting> settings = parsed.values().stream()
            .map(setting -> survey(setting, allValues))
            .toList();
        Set<String> specs = new LinkedHashSet<>();
        Matcher matcher = TABLE.matcher(allValues);
        while (matcher.find()) {
            if (isTable(matcher.group(1), matcher.group(2))) {
                specs.add(matcher.group(1) + ":" + matcher.group(2));
            }
        }
        List<Table> tables = specs.stream().map(PostfixConfigSurvey::table).toList();
        return new PostfixConfigSurvey(settings, tables);
    }

    private static Setting survey(MainCfParser.Setting setting, String allValues) {
        String name = setting.name();
        Optional<PostfixParameter> postfix = PostfixParameters.find(name);
        if (postfix.isPresent()) {
            PostfixParameter parameter = postfix.get();
            Kind kind = switch (parameter.status()) {
                case IMPLEMENTED -> Kind.IMPLEMENTED;
                case INERT -> Kind.INERT;
                case NOT_IMPLEMENTED -> Kind.NOT_IMPLEMENTED;
            };
            boolean asDefault = setting.value().equals(parameter.postfixDefault());
            boolean stops = parameter.status() == ParameterStatus.NOT_IMPLEMENTED && parameter.safety() && !asDefault;
            return new Setting(setting.line(), name, setting.value(), kind, stops, asDefault);
        }
        if (Parameters.isKnown(name)) {
            return new Setting(setting.line(), name, setting.value(), Kind.IMPLEMENTED, false, false);
        }
        boolean used = Pattern.compile("\\$(" + Pattern.quote(name) + "\\b|\\{" + Pattern.quote(name) + "}|\\("
            + Pattern.quote(name) + "\\))").matcher(allValues).find();
        return new Setting(setting.line(), name, setting.value(), used ? Kind.USER_DEFINED : Kind.UNUSED, false,
            false);
    }

    /** {@code unix:passwd.byname} is a table; {@code unix:private/policy} and {@code inet:host:port} are sockets. */
    private static boolean isTable(String type, String name) {
        if (!POSTFIX_TABLE_TYPES.contains(type)) {
            return false;
        }
        return !type.equals("unix") || name.startsWith("passwd.") || name.startsWith("group.");
    }

    private static Table table(String spec) {
        // proxy:TYPE:name is supported when TYPE is: the table behind the proxy is what Postern opens.
        String inner = spec;
        while (inner.startsWith("proxy:") && inner.indexOf(':', "proxy:".length()) > 0) {
            inner = inner.substring("proxy:".length());
        }
        String type = inner.substring(0, inner.indexOf(':'));
        return new Table(spec, type, TableRegistry.knownTypes().contains(type));
    }

    List<Setting> settings() {
        return settings;
    }

    List<Setting> settings(Kind kind) {
        return settings.stream().filter(setting -> setting.kind() == kind).toList();
    }

    List<Table> tables() {
        return tables;
    }

    /** The report's lines about main.cf's parameters and the tables, without a trailing line break. */
    List<String> lines() {
        List<String> lines = new ArrayList<>();
        List<String> counts = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            int count = settings(kind).size();
            if (count > 0) {
                counts.add(count + " " + kind.words());
            }
        }
        lines.add("main.cf: " + settings.size() + " parameters" + (counts.isEmpty() ? "" : ": " + String.join(", ", counts)));
        for (Kind kind : Kind.values()) {
            List<Setting> of = settings(kind);
            if (!of.isEmpty()) {
                lines.add("  " + kind.words() + ": " + String.join(", ", of.stream().map(PostfixConfigSurvey::describe).toList()));
            }
        }
        long unsupported = tables.stream().filter(table -> !table.supported()).count();
        lines.add("tables: " + tables.size() + " named" + (unsupported == 0 ? ", every type supported"
            : ", " + unsupported + " of a type Postern does not read"));
        tables.forEach(table -> lines.add("  " + table.spec() + ": "
            + (table.supported() ? "supported" : "NOT supported (" + table.type() + ")")));
        return List.copyOf(lines);
    }

    private static String notImplemented(Setting setting) {
        if (setting.postfixDefault()) {
            return "Postfix's default, asks for nothing";
        }
        return setting.safety() ? "stops a start unless postern_allow_unimplemented = yes" : "ignored, with a warning";
    }

    private static String describe(Setting setting) {
        return switch (setting.kind()) {
            case NOT_IMPLEMENTED -> setting.name() + " (line " + setting.line() + ": " + notImplemented(setting) + ")";
            case UNUSED -> setting.name() + " (line " + setting.line() + ": defined by neither Postfix nor Postern)";
            default -> setting.name();
        };
    }
}
