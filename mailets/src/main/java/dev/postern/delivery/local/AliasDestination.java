package dev.postern.delivery.local;

import java.nio.file.Path;
import java.util.Locale;

/**
 * One destination of an aliases(5) entry or an {@code :include:} file: an address, a mailbox file
 * ({@code /path}), a command ({@code |command}) or an include file ({@code :include:/path}). Relative
 * include paths resolve against {@code home} (Postern's home), as other relative paths do.
 */
public sealed interface AliasDestination {

    record Address(String address) implements AliasDestination {
    }

    record File(Path path) implements AliasDestination {
    }

    record Command(String command) implements AliasDestination {
    }

    record Include(Path path) implements AliasDestination {
    }

    public static AliasDestination parse(String destination, Path home) {
        String text = destination.strip();
        if (text.startsWith("|")) {
            return new Command(text.substring(1).strip());
        }
        if (text.toLowerCase(Locale.ROOT).startsWith(":include:")) {
            return new Include(home.resolve(text.substring(":include:".length()).strip()).normalize());
        }
        if (text.startsWith("/")) {
            return new File(Path.of(text).normalize());
        }
        return new Address(text);
    }
}
