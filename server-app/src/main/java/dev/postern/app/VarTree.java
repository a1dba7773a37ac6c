package dev.postern.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.postern.files.PrivateFiles;

/**
 * Creates the var/ tree (docs/configuration.md) at start so that every component finds its folder. var/ holds mail,
 * the queue, password hashes and the TLS key: it and its folders are 0700. Folders an earlier version
 * (or a wider umask) left open to the group or others are closed at start, which also hides whatever
 * older files inside them were created readable.
 */
final class VarTree {
    private static final Logger LOGGER = LoggerFactory.getLogger(VarTree.class);
    private static final List<String> FOLDERS = List.of("queue", "spool", "store", "mail", "tls", "log");

    private VarTree() {
    }

    static void create(Path var) throws StartupFailure {
        createPrivate(var);
        for (String folder : FOLDERS) {
            Path path = var.resolve(folder);
            createPrivate(path);
            if (!Files.isWritable(path)) {
                throw new StartupFailure(path + " is not writable by this user");
            }
        }
    }

    private static void createPrivate(Path path) throws StartupFailure {
        try {
            PrivateFiles.createDirectories(path);
            if (PrivateFiles.restrict(path)) {
                LOGGER.warn("{} was readable by other users: now rwx------ (mail and state under var/ are Postern's only)",
                    path);
            }
        } catch (IOException e) {
            throw new StartupFailure("cannot create " + path + " with mode 0700: " + e.getMessage(), e);
        }
    }
}
