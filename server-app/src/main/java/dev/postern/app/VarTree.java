package dev.postern.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Creates the var/ tree of DESIGN at start so that every component finds its folder. */
final class VarTree {
    private static final List<String> FOLDERS = List.of("queue", "spool", "store", "mail", "tls", "log");

    private VarTree() {
    }

    static void create(Path var) throws StartupFailure {
        for (String folder : FOLDERS) {
            Path path = var.resolve(folder);
            try {
                Files.createDirectories(path);
            } catch (IOException e) {
                throw new StartupFailure("cannot create " + path + ": " + e.getMessage(), e);
            }
            if (!Files.isWritable(path)) {
                throw new StartupFailure(path + " is not writable by this user");
            }
        }
    }
}
