package dev.postern.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The syntax of master.cf: logical lines (a line starting with white space continues the one
 * before; blank and {@code #} lines are skipped), eight fields and the command's arguments, where
 * {@code { ... }} makes one argument of text with spaces and {@code -o name=value} or
 * {@code -o { name = value }} sets a parameter for the service. Errors name the file and the line.
 */
final class MasterCfParser {
    private static final Set<String> TYPES = Set.of("inet", "unix", "unix-dgram", "fifo", "pass");
    private static final Pattern BOOLEAN = Pattern.compile("[-yn]");
    private static final Pattern WAKEUP = Pattern.compile("-|\\d+\\??");
    private static final Pattern MAXPROC = Pattern.compile("-|\\d+");
    private static final Pattern SERVICE_NAME = Pattern.compile("\\$(service_name\\b|\\{service_name}|\\(service_name\\))");

    private static final String[] FIELD_NAMES = {"service", "type", "private", "unpriv", "chroot", "wakeup", "maxproc",
        "command"};

    private MasterCfParser() {
    }

    static List<MasterCfService> parse(String file, List<String> input) throws ConfigException {
        List<MasterCfService> services = new ArrayList<>();
        StringBuilder logical = null;
        int start = 0;
        List<String> lines = input.stream().flatMap(String::lines).toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).stripTrailing();
            String text = line.stripLeading();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            if (text.length() != line.length()) {
                if (logical == null) {
                    throw new ConfigException(file + ", line " + (i + 1)
                        + ": continuation line before any service (a line that starts with white space continues the one before)");
                }
                logical.append(' ').append(text);
                continue;
            }
            if (logical != null) {
                services.add(service(file, start, logical.toString()));
            }
            logical = new StringBuilder(text);
            start = i + 1;
        }
        if (logical != null) {
            services.add(service(file, start, logical.toString()));
        }
        return services;
    }

    private static MasterCfService service(String file, int line, String text) throws ConfigException {
        String where = file + ", line " + line;
        List<String> tokens = tokens(text, where);
        if (tokens.size() < 8) {
            throw new ConfigException(where + ": expected 8 fields (service type private unpriv chroot wakeup maxproc"
                + " command), found " + tokens.size() + ": \"" + text + "\"");
        }
        String name = tokens.get(0);
        String type = tokens.get(1);
        if (!TYPES.contains(type)) {
            throw new ConfigException(where + ": " + name + ": unknown service type \"" + type + "\" (expected one of "
                + "inet, unix, unix-dgram, fifo, pass)");
        }
        String serviceWhere = where + ": " + name + "/" + type;
        for (int field = 2; field <= 4; field++) {
            requireField(tokens.get(field), BOOLEAN, serviceWhere, field, "y, n or -");
        }
        requireField(tokens.get(5), WAKEUP, serviceWhere, 5, "a number of seconds, optionally followed by ?, or -");
        requireField(tokens.get(6), MAXPROC, serviceWhere, 6, "a number or -");
        if (type.equals("inet") && tokens.get(2).equals("y")) {
            throw new ConfigException(serviceWhere + ": an inet service cannot be private (field 3 must be n or -)");
        }
        Map<String, String> overrides = new LinkedHashMap<>();
        List<String> arguments = new ArrayList<>();
        for (int i = 8; i < tokens.size(); i++) {
            String token = tokens.get(i);
            if (token.equals("-v") || token.equals("-D") || token.equals("-S")) {
                continue;
            }
            if (token.equals("-o") || (token.startsWith("-o") && !token.startsWith("-o{"))) {
                String setting = token.equals("-o") ? next(tokens, ++i, serviceWhere) : token.substring(2);
                override(setting, name, serviceWhere, overrides);
                continue;
            }
            arguments.add(token);
        }
        return new MasterCfService(name, type, tokens.get(2), tokens.get(3), tokens.get(4), tokens.get(5),
            tokens.get(6), tokens.get(7), overrides, arguments, line, serviceWhere);
    }

    private static String next(List<String> tokens, int index, String where) throws ConfigException {
        if (index >= tokens.size()) {
            throw new ConfigException(where + ": -o at the end of the line: expected -o name=value");
        }
        return tokens.get(index);
    }

    private static void override(String setting, String service, String where, Map<String, String> overrides)
            throws ConfigException {
        int equals = setting.indexOf('=');
        if (equals <= 0) {
            throw new ConfigException(where + ": -o " + setting + ": expected -o name=value or -o { name = value }");
        }
        String name = setting.substring(0, equals).strip();
        String value = setting.substring(equals + 1).strip();
        overrides.remove(name);
        overrides.put(name, SERVICE_NAME.matcher(value).replaceAll(java.util.regex.Matcher.quoteReplacement(service)));
    }

    private static void requireField(String value, Pattern pattern, String where, int index, String expected)
            throws ConfigException {
        if (!pattern.matcher(value).matches()) {
            throw new ConfigException(where + ": field " + (index + 1) + " (" + FIELD_NAMES[index] + ") is \"" + value
                + "\": expected " + expected);
        }
    }

    /**
     * White-space separated tokens, where a token starting with {@code {} runs to its matching
     * {@code }} and becomes the text between, trimmed (Postfix's extpar).
     */
    static List<String> tokens(String text, String where) throws ConfigException {
        List<String> tokens = new ArrayList<>();
        int i = 0;
        int length = text.length();
        while (i < length) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            if (c == '{') {
                int end = closingBrace(text, i, where);
                tokens.add(text.substring(i + 1, end).strip());
                i = end + 1;
                continue;
            }
            int end = i;
            while (end < length && !Character.isWhitespace(text.charAt(end))) {
                end++;
            }
            tokens.add(text.substring(i, end));
            i = end;
        }
        return tokens;
    }

    private static int closingBrace(String text, int open, String where) throws ConfigException {
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                if (i + 1 < text.length() && !Character.isWhitespace(text.charAt(i + 1))) {
                    throw new ConfigException(where + ": text after } in \"" + text.substring(open, i + 1)
                        + text.charAt(i + 1) + "...\": a { } group must be followed by white space");
                }
                return i;
            }
        }
        throw new ConfigException(where + ": missing } in \"" + text.substring(open) + "\"");
    }
}
