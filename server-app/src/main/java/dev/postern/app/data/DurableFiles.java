package dev.postern.app.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;

import dev.postern.files.PrivateFiles;

/**
 * Replaces a small state file so that a crash leaves either the old or the new
 * contents, never a mix: write a temporary sibling, fsync it, rename it over the
 * target, fsync the directory so the rename itself survives. The file is made 0600 (users'
 * password hashes live in one) in a 0700 folder.
 */
public final class DurableFiles {
    private DurableFiles() {
    }

    public static void replace(Path target, byte[] contents) throws IOException {
        Path directory = target.toAbsolutePath().getParent();
        PrivateFiles.createDirectories(directory);
        Path temporary = directory.resolve("." + target.getFileName() + ".tmp");
        // A leftover from a crash may have an older, wider mode: the mode is only given to a new file.
        Files.deleteIfExists(temporary);
        try (FileChannel channel = FileChannel.open(temporary, Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), PrivateFiles.fileAttributes(temporary))) {
            ByteBuffer buffer = ByteBuffer.wrap(contents);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(directory);
    }

    public static void syncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
