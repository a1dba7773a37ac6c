package dev.postern.app;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code postern SUBCOMMAND [--home DIR] [--conf DIR] [--var DIR] [args...]}. The
 * options may appear anywhere; everything else is the subcommand's own arguments.
 */
public record CommandLine(String subcommand, PosternHome home, List<String> arguments) {
    public static final String USAGE = "usage: postern run|check|explain|import-postfix|health|postconf|postmap|postalias|queue|cat|flush|super|reload|user|domain|version [--home DIR] [--conf DIR] [--var DIR] [args]";

    public static CommandLine parse(String[] args, Path defaultHome) {
        Optional<Path> home = Optional.empty();
        Optional<Path> conf = Optional.empty();
        Optional<Path> var = Optional.empty();
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--home" -> home = Optional.of(Path.of(value(args, ++i, arg)));
                case "--conf" -> conf = Optional.of(Path.of(value(args, ++i, arg)));
                case "--var" -> var = Optional.of(Path.of(value(args, ++i, arg)));
                default -> rest.add(arg);
            }
        }
        if (rest.isEmpty()) {
            throw new IllegalArgumentException(USAGE);
        }
        PosternHome resolved = PosternHome.of(home.orElse(defaultHome));
        resolved = conf.map(resolved::withConf).orElse(resolved);
        resolved = var.map(resolved::withVar).orElse(resolved);
        return new CommandLine(rest.get(0), resolved, List.copyOf(rest.subList(1, rest.size())));
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new IllegalArgumentException(option + " needs a directory; " + USAGE);
        }
        return args[index];
    }
}
