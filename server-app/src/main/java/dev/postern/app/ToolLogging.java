package dev.postern.app;

import java.util.List;

/**
 * Chooses the logging of one {@code bin/postern} run before anything logs: the server ({@code run})
 * keeps the launcher's {@code conf/logback.xml} (diagnostic log and mail log under {@code var/log/});
 * every other subcommand is a command-line tool and logs, as Postfix's tools do, only warnings and
 * errors to standard error ({@value #TOOL_CONFIGURATION}), writing no file. Without this, the first
 * logger that a table or James class asked for made logback open {@code var/log/postern.log} and
 * {@code var/log/maillog}, so that even {@code check} wrote files, and a duplicate table key came
 * out as a log line on standard output.
 */
final class ToolLogging {
    /** Logback's property naming its configuration; read when the first logger is made. */
    static final String PROPERTY = "logback.configurationFile";
    /** A classpath resource of this module. */
    static final String TOOL_CONFIGURATION = "dev/postern/app/tool-logback.xml";
    private static final List<String> OPTIONS_WITH_VALUE = List.of("--home", "--conf", "--var");

    private ToolLogging() {
    }

    /** Must run before the first logger is made: logback reads its configuration once. */
    static void select(String[] args) {
        if (!subcommand(args).equals("run")) {
            System.setProperty(PROPERTY, TOOL_CONFIGURATION);
        }
    }

    /** The first argument that is neither an option nor an option's value, as {@link CommandLine} reads it. */
    static String subcommand(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (OPTIONS_WITH_VALUE.contains(args[i])) {
                i++;
            } else {
                return args[i];
            }
        }
        return "";
    }
}
