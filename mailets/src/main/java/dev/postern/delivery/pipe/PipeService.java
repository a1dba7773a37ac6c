package dev.postern.delivery.pipe;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.postern.config.ComponentParameters;
import dev.postern.config.ConfigException;
import dev.postern.config.MasterCfService;
import dev.postern.delivery.local.DefaultPrivs;

/**
 * A master.cf {@code pipe} service's settings, as pipe(8) reads them: the attributes before
 * {@code argv=} ({@code flags=}, {@code user=}, {@code size=}, {@code eol=}, {@code null_sender=},
 * {@code directory=}) and the command, and the limits qmgr applies to the transport
 * ({@code SERVICE_destination_recipient_limit}, {@code SERVICE_time_limit}, maxproc).
 *
 * @param user           the account {@code user=} names (looked up at delivery, as pipe(8) does)
 * @param recipientLimit recipients per command ({@code SERVICE_destination_recipient_limit})
 * @param processLimit   commands at once (maxproc; 0 = no limit)
 */
public record PipeService(String name, String where, String flags, String user,
                          List<String> argv, long sizeLimit, String eol, String nullSender, Optional<String> directory,
                          int recipientLimit, int processLimit, Duration timeLimit) {

    private static final Set<String> ATTRIBUTES = Set.of("flags", "user", "size", "eol", "null_sender", "directory");
    private static final String FLAGS = "BDFORXhqu.>";
    private static final int DEFAULT_RECIPIENT_LIMIT = 50;
    private static final int DEFAULT_PROCESS_LIMIT = 100;
    private static final Duration DEFAULT_TIME_LIMIT = Duration.ofSeconds(1000);
    private static final Pattern MACRO = Pattern.compile("\\$(?:\\{([^}]*)}|\\(([^)]*)\\)|([A-Za-z0-9_]+)|\\$)");

    /** The macros pipe(8) expands in {@code argv=}. */
    static final Set<String> MACROS = Set.of("client_address", "client_helo", "client_hostname", "client_port",
        "client_protocol", "domain", "extension", "mailbox", "nexthop", "original_recipient", "queue_id", "recipient",
        "sasl_method", "sasl_sender", "sasl_username", "sender", "size", "user");

    public PipeService {
        argv = List.copyOf(argv);
    }

    /** @throws ConfigException naming the master.cf line of a missing, unknown or bad attribute */
    public static PipeService from(MasterCfService service, ComponentParameters parameters) throws ConfigException {
        String where = service.where();
        for (String argument : service.arguments()) {
            if (argument.startsWith("argv=")) {
                break;
            }
            int equals = argument.indexOf('=');
            String attribute = equals < 0 ? argument : argument.substring(0, equals);
            if (attribute.equals("chroot")) {
                throw new ConfigException(where + ": pipe attribute chroot= is not supported by Postern");
            }
            if (equals < 0 || !ATTRIBUTES.contains(attribute)) {
                throw new ConfigException(where + ": unknown pipe attribute \"" + argument + "\" (pipe knows flags=, user=,"
                    + " size=, eol=, null_sender=, directory=, argv=)");
            }
        }
        List<String> argv = service.argv();
        if (argv.isEmpty() || argv.get(0).isEmpty()) {
            throw new ConfigException(where + ": pipe needs argv=COMMAND as its last attribute");
        }
        requireKnownMacros(argv, where);
        String flags = service.attribute("flags").orElse("");
        for (char flag : flags.toCharArray()) {
            if (FLAGS.indexOf(flag) < 0) {
                throw new ConfigException(where + ": flags=" + flags + ": unknown flag '" + flag + "' (pipe knows "
                    + FLAGS + ")");
            }
        }
        String user = service.attribute("user")
            .orElseThrow(() -> new ConfigException(where + ": pipe needs user=NAME (the account the command runs as)"));
        String account = user.contains(":") ? user.substring(0, user.indexOf(':')) : user;
        if (account.isEmpty() || account.equals("root")) {
            throw new ConfigException(where + ": user=" + user + ": a pipe command never runs as root");
        }
        long size = number(service.attribute("size").orElse("0"), where, "size");
        String name = service.name();
        int recipientLimit = (int) setting(parameters, name + "_destination_recipient_limit")
            .or(() -> setting(parameters, "default_destination_recipient_limit"))
            .map(value -> parse(value, where, name + "_destination_recipient_limit"))
            .orElse((long) DEFAULT_RECIPIENT_LIMIT).longValue();
        Duration timeLimit = setting(parameters, name + "_time_limit").or(() -> setting(parameters, "command_time_limit"))
            .map(value -> dev.postern.config.ParameterType.toDuration(name + "_time_limit", value))
            .orElse(DEFAULT_TIME_LIMIT);
        int defaultProcesses = setting(parameters, "default_process_limit")
            .map(value -> (int) parse(value, where, "default_process_limit")).orElse(DEFAULT_PROCESS_LIMIT);
        return new PipeService(name, where, flags, account, argv, size,
            unescape(service.attribute("eol").orElse("\\n")), service.attribute("null_sender").orElse("MAILER-DAEMON"),
            service.attribute("directory"), Math.max(1, recipientLimit), service.processLimit(defaultProcesses), timeLimit);
    }

    /**
     * The account to run as when Postern runs as root, empty otherwise; looked up for each delivery, so
     * an account that does not exist (yet) defers this transport's mail instead of stopping the server.
     *
     * @throws IllegalArgumentException naming the master.cf line when the account is unknown or privileged
     */
    Optional<DefaultPrivs> runAs() {
        return DefaultPrivs.whenRoot(where + ": user=" + user, user);
    }

    boolean hasFlag(char flag) {
        return flags.indexOf(flag) >= 0;
    }

    /** {@code $name}, {@code ${name}}, {@code $(name)} or {@code $$} in {@code text}. */
    static Matcher macros(String text) {
        return MACRO.matcher(text);
    }

    /** The macro a match names, or null for {@code $$}. */
    static String macroName(Matcher matcher) {
        for (int group = 1; group <= 3; group++) {
            if (matcher.group(group) != null) {
                return matcher.group(group);
            }
        }
        return null;
    }

    private static void requireKnownMacros(List<String> argv, String where) throws ConfigException {
        for (String argument : argv) {
            Matcher matcher = macros(argument);
            while (matcher.find()) {
                String macro = macroName(matcher);
                if (macro != null && !MACROS.contains(macro)) {
                    throw new ConfigException(where + ": argv: unknown macro $" + macro + " in \"" + argument
                        + "\" (pipe knows " + new java.util.TreeSet<>(MACROS) + ")");
                }
            }
        }
    }

    /** A parameter's value, or empty when Postern does not know the name (per-service names, Postfix's limits). */
    private static Optional<String> setting(ComponentParameters parameters, String name) {
        try {
            return Optional.of(parameters.get(name).trim()).filter(value -> !value.isEmpty());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static long parse(String value, String where, String name) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": " + name + ": not a number: \"" + value + "\"", e);
        }
    }

    private static long number(String value, String where, String attribute) throws ConfigException {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new ConfigException(where + ": " + attribute + "=" + value + ": not a number", e);
        }
    }

    /** C escapes of {@code eol=}: {@code \r\n} is CR LF. */
    static String unescape(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\' || i + 1 == text.length()) {
                out.append(c);
                continue;
            }
            char next = text.charAt(++i);
            out.append(switch (next) {
                case 'n' -> '\n';
                case 'r' -> '\r';
                case 't' -> '\t';
                case '0' -> '\0';
                default -> next;
            });
        }
        return out.toString();
    }
}
