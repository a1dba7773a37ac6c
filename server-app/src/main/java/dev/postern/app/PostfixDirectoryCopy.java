package dev.postern.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The file part of {@code postern import-postfix}: copies a Postfix configuration directory into a
 * Postern home's {@code conf/}, and in {@code main.cf} and {@code master.cf} rewrites the paths that
 * pointed into that directory so that they point into {@code conf/}. Table sources come along as
 * they are; compiled tables ({@code .db}, {@code .lmdb}, {@code .cdb}...) are left behind, since
 * Postern reads the sources. A file of the home that the copy would change is kept beside it as
 * {@code NAME.before-import}.
 */
final class PostfixDirectoryCopy {
    /** Postfix's compiled tables and the directories' own bookkeeping, which Postern has no use for. */
    private static final Set<String> LEFT_BEHIND_SUFFIXES = Set.of(".db", ".lmdb", ".cdb", ".dir", ".pag", ".lock");
    static final String BACKUP_SUFFIX = ".before-import";
    private static final Set<String> REWRITTEN = Set.of("main.cf", "master.cf");

    /** What was copied, left behind and backed up, and how many paths each rewritten file had. */
    record Copied(List<Path> files, List<Path> leftBehind, List<Path> backedUp, int rewrittenPaths) {
    }

    private final Path source;
    private final Path conf;

    PostfixDirectoryCopy(Path source, Path conf) {
        this.source = source.toAbsolutePath().normalize();
        this.conf = conf.toAbsolutePath().normalize();
    }

    Copied copy() throws IOException {
        List<Path> files = new ArrayList<>();
        List<Path> leftBehind = new ArrayList<>();
        List<Path> backedUp = new ArrayList<>();
        int rewritten = 0;
        Files.createDirectories(conf);
        for (Path file : regularFiles()) {
            Path relative = source.relativize(file);
            if (isLeftBehind(file)) {
                leftBehind.add(relative);
                continue;
            }
            byte[] content = Files.readAllBytes(file);
            if (relative.getNameCount() == 1 && REWRITTEN.contains(relative.toString())) {
                Rewritten text = rewrite(new String(content, StandardCharsets.UTF_8));
                if (relative.toString().equals("main.cf")) {
                    text = withConfigDirectory(text);
                }
                content = text.text().getBytes(StandardCharsets.UTF_8);
                rewritten += text.count();
            }
            Path target = conf.resolve(relative.toString());
            if (write(target, content)) {
                backedUp.add(relative);
            }
            files.add(relative);
        }
        return new Copied(List.copyOf(files), List.copyOf(leftBehind), List.copyOf(backedUp), rewritten);
    }

    private List<Path> regularFiles() throws IOException {
        try (Stream<Path> walk = Files.walk(source)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static boolean isLeftBehind(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return LEFT_BEHIND_SUFFIXES.stream().anyMatch(name::endsWith);
    }

    /** Writes the file, first keeping a different one already there; true if one was kept. */
    private static boolean write(Path target, byte[] content) throws IOException {
        Files.createDirectories(target.getParent());
        boolean keep = Files.isRegularFile(target) && !Arrays.equals(Files.readAllBytes(target), content);
        if (keep) {
            Files.copy(target, target.resolveSibling(target.getFileName() + BACKUP_SUFFIX),
                StandardCopyOption.REPLACE_EXISTING);
        }
        Files.write(target, content);
        return keep;
    }

    record Rewritten(String text, int count) {
    }

    private static final Pattern USES_CONFIG_DIRECTORY = Pattern.compile("\\$(config_directory\\b|\\{config_directory}|\\(config_directory\\))");
    private static final Pattern SETS_CONFIG_DIRECTORY = Pattern.compile("^config_directory\\s*=", Pattern.MULTILINE);

    /**
     * A main.cf that names files as {@code $config_directory/...} without setting it relied on
     * Postfix's built-in {@code /etc/postfix}; the imported one sets it to {@code conf/}.
     */
    private Rewritten withConfigDirectory(Rewritten mainCf) {
        String text = mainCf.text();
        if (!USES_CONFIG_DIRECTORY.matcher(text).find() || SETS_CONFIG_DIRECTORY.matcher(text).find()) {
            return mainCf;
        }
        String separator = text.isEmpty() || text.endsWith("\n") ? "" : "\n";
        return new Rewritten(text + separator + "\n# set by postern import-postfix: $config_directory was Postfix's "
            + source + "\nconfig_directory = " + conf + "\n", mainCf.count() + 1);
    }

    /**
     * The text with every path into the Postfix directory (the directory itself, or a file under
     * it) pointing into {@code conf/} instead. A path is only rewritten as a whole word: {@code
     * /etc/postfix} in {@code /etc/postfixadmin} is not this directory.
     */
    Rewritten rewrite(String text) {
        Pattern path = Pattern.compile("(?<![\\w./-])" + Pattern.quote(source.toString()) + "(?=/|[\\s,}]|$)",
            Pattern.MULTILINE);
        Matcher matcher = path.matcher(text);
        StringBuilder out = new StringBuilder();
        int count = 0;
        while (matcher.find()) {
            matcher.appendReplacement(out, Matcher.quoteReplacement(conf.toString()));
            count++;
        }
        matcher.appendTail(out);
        return new Rewritten(out.toString(), count);
    }
}
