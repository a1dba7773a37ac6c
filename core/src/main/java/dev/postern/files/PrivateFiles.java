package dev.postern.files;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Files and folders that only Postern's user may read: mail, queue files, password hashes, logs,
 * keys (Postfix makes queue files and mailboxes 0600). The mode is given when the file or folder is
 * created, so there is no moment when another user could open it; {@code umask 077} in the launcher
 * covers what third-party code (James, logback) creates. On a file system without POSIX permissions
 * nothing is asked for, and the folder's own access control applies.
 */
public final class PrivateFiles {
    /** {@code rw-------}. */
    public static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    /** {@code rwx------}. */
    public static final Set<PosixFilePermission> FOLDER_MODE = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> GROUP_AND_OTHER = EnumSet.of(
        PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
        PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
    private static final FileAttribute<?>[] NONE = new FileAttribute<?>[0];

    private PrivateFiles() {
    }

    /** The attributes that create a file as 0600 where {@code file} lives (none on a non-POSIX file system). */
    public static FileAttribute<?>[] fileAttributes(Path file) {
        return isPosix(file) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE_MODE)} : NONE;
    }

    /** The attributes that create a folder as 0700 where {@code folder} lives. */
    public static FileAttribute<?>[] folderAttributes(Path folder) {
        return isPosix(folder) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FOLDER_MODE)} : NONE;
    }

    /** Creates {@code folder} and any missing parent as 0700; folders that exist are left as they are. */
    public static Path createDirectories(Path folder) throws IOException {
        if (Files.isDirectory(folder)) {
            return folder;
        }
        return Files.createDirectories(folder, folderAttributes(folder));
    }

    /** Creates one folder as 0700; it must not exist yet. */
    public static Path createDirectory(Path folder) throws IOException {
        return Files.createDirectory(folder, folderAttributes(folder));
    }

    /** Creates an empty file as 0600; it must not exist yet (a symbolic link in its place counts as existing). */
    public static Path createFile(Path file) throws IOException, FileAlreadyExistsException {
        return Files.createFile(file, fileAttributes(file));
    }

    /**
     * Takes group and other permissions away from something Postern owns that an earlier version (or
     * another umask) made readable; a symbolic link is left alone. Returns whether anything changed.
     */
    public static boolean restrict(Path path) throws IOException {
        if (!isPosix(path) || Files.isSymbolicLink(path) || !Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
        if (mode.stream().noneMatch(GROUP_AND_OTHER::contains)) {
            return false;
        }
        Set<PosixFilePermission> owner = EnumSet.copyOf(mode);
        owner.removeAll(GROUP_AND_OTHER);
        Files.setPosixFilePermissions(path, owner);
        return true;
    }

    private static boolean isPosix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
