package dev.postern.app;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import dev.postern.config.ConfigException;
import dev.postern.config.MasterCf;
import dev.postern.config.MasterCfService;

/**
 * {@code postern import-postfix DIR}: makes a Postfix configuration directory the home's
 * configuration ({@link PostfixDirectoryCopy}), then reports what Postern does with it: each
 * main.cf parameter by status and each table by type ({@link PostfixConfigSurvey}), what each
 * master.cf service became, then the
 * findings of {@code postern check} on the result. Exit status 0 when a start would run it, 1 when
 * something stops a start (each thing named) or the directory cannot be read, 2 for a usage error.
 */
final class ImportPostfixCommand {
    static final String USAGE = "usage: postern import-postfix POSTFIX_CONFIG_DIR [--home HOME]";

    private final PosternHome home;
    private final PrintStream out;
    private final PrintStream err;

    ImportPostfixCommand(PosternHome home, PrintStream out, PrintStream err) {
        this.home = home;
        this.out = out;
        this.err = err;
    }

    int run(List<String> arguments) {
        if (arguments.size() != 1 || arguments.get(0).startsWith("-")) {
            throw new IllegalArgumentException(USAGE);
        }
        Path source = Path.of(arguments.get(0)).toAbsolutePath().normalize();
        if (!Files.isRegularFile(source.resolve("main.cf"))) {
            err.println("postern: fatal: " + source + ": no main.cf there; name the directory that holds Postfix's main.cf");
            return 1;
        }
        if (source.equals(home.conf().toAbsolutePath().normalize())) {
            err.println("postern: fatal: " + source + " is this home's conf/ already; nothing to import");
            return 1;
        }
        PostfixDirectoryCopy.Copied copied;
        PostfixConfigSurvey survey;
        try {
            copied = new PostfixDirectoryCopy(source, home.conf()).copy();
            survey = PostfixConfigSurvey.of(lines(home.conf().resolve("main.cf")), lines(home.conf().resolve("master.cf")));
        } catch (IOException e) {
            err.println("postern: fatal: import from " + source + " to " + home.conf() + ": " + e);
            return 1;
        }
        out.println("postern import-postfix: " + source + " -> " + home.conf().toAbsolutePath().normalize());
        printCopy(copied, source);
        survey.lines().forEach(out::println);
        masterCfLines(home.conf().resolve(MasterCf.FILE_NAME)).forEach(out::println);
        return printCheck();
    }

    private void printCopy(PostfixDirectoryCopy.Copied copied, Path source) {
        out.println("files: " + copied.files().size() + " copied" + (copied.leftBehind().isEmpty() ? ""
            : "; " + copied.leftBehind().size() + " compiled tables left behind (Postern reads their sources): "
                + join(copied.leftBehind())));
        if (copied.rewrittenPaths() > 0) {
            out.println("paths: " + copied.rewrittenPaths() + " in main.cf and master.cf now point into conf/ instead of "
                + source);
        }
        if (!copied.backedUp().isEmpty()) {
            out.println("kept: the home's former " + join(copied.backedUp()) + " as NAME"
                + PostfixDirectoryCopy.BACKUP_SUFFIX);
        }
    }

    /** The check a start makes, on the imported configuration; its findings decide the exit status. */
    private int printCheck() {
        List<Problem> findings = new CheckCommand(home, out, err).findings(true);
        out.println("check: " + (findings.isEmpty() ? "configuration OK" : findings.size() + " findings"));
        findings.forEach(problem -> out.println("  " + problem.line()));
        long errors = findings.stream().filter(Problem::isError).count();
        if (errors > 0) {
            out.println("postern import-postfix: " + errors + " problem" + (errors == 1 ? "" : "s")
                + " would stop a start; see check above");
            return 1;
        }
        out.println("postern import-postfix: a start would run this configuration");
        return 0;
    }

    /** What each master.cf service became, by role; a master.cf that does not parse is check's to report. */
    static List<String> masterCfLines(Path file) {
        if (!Files.isRegularFile(file)) {
            return List.of("master.cf: none (the listeners are those of postern_*_listen and smtpserver.xml)");
        }
        MasterCf masterCf;
        try {
            masterCf = MasterCf.load(file);
        } catch (ConfigException e) {
            return List.of("master.cf: not read, see check below");
        }
        List<String> lines = new ArrayList<>();
        lines.add("master.cf: " + masterCf.services().size() + " services");
        Map<MasterCfService.Role, String> words = new EnumMap<>(Map.of(
            MasterCfService.Role.LISTENER, "SMTP listeners",
            MasterCfService.Role.TRANSPORT, "transports",
            MasterCfService.Role.POSTFIX_INTERNAL, "Postfix's own daemons, whose work Postern does inside the server",
            MasterCfService.Role.NOT_RUN, "NOT run by Postern"));
        words.forEach((role, what) -> {
            List<String> names = masterCf.withRole(role).stream()
                .map(service -> service.name() + (service.overrides().isEmpty() ? "" : " (" + service.overrides().size() + " -o)"))
                .toList();
            if (!names.isEmpty()) {
                lines.add("  " + what + ": " + String.join(", ", names));
            }
        });
        return List.copyOf(lines);
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.isRegularFile(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    }

    private static String join(List<Path> paths) {
        return String.join(", ", paths.stream().map(Path::toString).toList());
    }
}
