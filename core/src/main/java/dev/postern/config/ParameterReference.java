package dev.postern.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes {@code docs/parameters.md}, the reference of every main.cf parameter, from the
 * parameter table ({@link Parameters}) and {@link ReloadScope}, so that the document cannot drift
 * from the code: {@code ParameterReferenceTest} fails while the committed file differs from
 * {@link #render()}.
 */
public final class ParameterReference {
    /** The command that rewrites the committed file, printed at its top and in the test's failure. */
    public static final String REGENERATE_COMMAND =
        "mvn -B -q -pl core -Dtest=ParameterReferenceTest -Dpostern.regenerate=true test";

    private ParameterReference() {
    }

    /** The whole markdown document. */
    public static String render() {
        StringBuilder out = new StringBuilder()
            .append("# Parameters\n\n")
            .append("<!-- Generated from dev.postern.config.Parameters and ReloadScope by"
                + " dev.postern.config.ParameterReference; do not edit by hand. -->\n\n")
            .append("This file is generated from the parameter table in the code. After changing the table,\n")
            .append("regenerate it from the top of the repository with\n\n")
            .append("```sh\n").append(REGENERATE_COMMAND).append("\n```\n\n")
            .append("These are the parameters Postern implements. `main.cf` and the environment (`POSTERN_<name>`)\n")
            .append("may also set Postfix's other parameters, which are inert here or not implemented (`postern\n")
            .append("postconf --status`), and `main.cf` user-defined ones; see \"Postfix parameters\" in\n")
            .append("[configuration.md](configuration.md). Postfix's names and defaults where the behaviour is\n")
            .append("Postfix's; names Postfix does not have start with `postern_`. How the values are written and where they\n")
            .append("apply is in [configuration.md](configuration.md); `postern postconf` prints the values in\n")
            .append("effect.\n\n")
            .append("The **reload** column says what `postern reload` does with a new value: **yes** means new\n")
            .append("SMTP sessions and the queue manager's next mail use it; **restart** means the value is read\n")
            .append("once at start (by James's listeners, the mail log and DNS, the domain list or the cleanup\n")
            .append("mailets): a reload still takes it where a reloading component reads it, and says that a\n")
            .append("restart is needed.\n\n")
            .append("| parameter | type | default | reload | meaning |\n")
            .append("|---|---|---|---|---|\n");
        for (Parameter parameter : Parameters.all()) {
            out.append("| `").append(parameter.name()).append("` | ")
                .append(type(parameter.type())).append(" | ")
                .append(defaultText(parameter)).append(" | ")
                .append(ReloadScope.needsRestart(parameter.name()) ? "restart" : "yes").append(" | ")
                .append(cell(parameter.description())).append(" |\n");
        }
        return out.toString();
    }

    private static String type(ParameterType type) {
        return switch (type) {
            case LISTEN_ADDRESS -> "host:port";
            case DNS_SERVERS -> "DNS servers";
            case RAW -> "text, expanded when used";
            default -> type.name().toLowerCase(Locale.ROOT);
        };
    }

    private static String defaultText(Parameter parameter) {
        if (parameter.name().equals("mail_version")) {
            // the build's own version: written literally, the file would change with every release
            return "Postern's version";
        }
        if (parameter.defaultValue() instanceof DefaultValue.Derived derived) {
            return cell(derived.description());
        }
        String raw = ((DefaultValue.Literal) parameter.defaultValue()).raw();
        return raw.isEmpty() ? "(empty)" : "`" + raw.replace("|", "\\|") + "`";
    }

    /** Text made safe for a markdown table cell. */
    private static String cell(String text) {
        return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Writes the document to the file named by the first argument (default {@code docs/parameters.md}). */
    public static void main(String[] args) throws IOException {
        Path file = Path.of(args.length > 0 ? args[0] : "docs/parameters.md");
        Files.writeString(file, render(), StandardCharsets.UTF_8);
    }
}
