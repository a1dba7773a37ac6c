package dev.postern.delivery.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Postfix's {@code default_privs} (default {@code nobody}): the account whose rights local(8) uses for
 * {@code |command} and {@code /file} destinations, so that an alias, {@code .forward} or
 * {@code :include:} never acts as root. Only a root process can take another identity, so this is
 * present only when Postern runs as root; running as any other user, commands run and files are
 * written as that user, whose rights are already limited.
 *
 * <p>Commands are started through util-linux's {@code setpriv} (part of every Debian system) with this
 * uid, this gid and no supplementary groups. Java cannot open a file as another user, so a {@code /file}
 * is written only where this account could write it itself (mode bits of the file, or of its folder when
 * it is created, and search permission on every folder above), and a file created for it is given to it.
 */
public record DefaultPrivs(String name, int uid, int gid) {
    static final String SETPRIV = "/usr/bin/setpriv";

    /**
     * The account to switch to when this process runs as root; empty otherwise.
     *
     * @throws IllegalArgumentException naming {@code default_privs} when the account is unknown or is root
     */
    public static Optional<DefaultPrivs> whenRoot(String name) {
        return whenRoot("default_privs", name);
    }

    /** As {@link #whenRoot(String)}, for the account another setting names (pipe(8)'s {@code user=}). */
    public static Optional<DefaultPrivs> whenRoot(String setting, String name) {
        if (currentUid() != 0) {
            return Optional.empty();
        }
        return Optional.of(lookUp(setting, name));
    }

    /** Looks the account up with {@code getent passwd}, so that NSS sources count as they do for Postfix. */
    static DefaultPrivs lookUp(String name) {
        return lookUp("default_privs", name);
    }

    /**
     * The account {@code name}, which must not be privileged (uid or gid 0).
     *
     * @param setting names the setting in errors ({@code default_privs}, {@code master.cf, line 3: user=vmail})
     * @throws IllegalArgumentException naming {@code setting} when the account is unknown or is root
     */
    public static DefaultPrivs lookUp(String setting, String name) {
        if (!name.matches("[A-Za-z0-9_][A-Za-z0-9_.-]*")) {
            throw new IllegalArgumentException(setting + ": \"" + name + "\" is not a user name");
        }
        String entry;
        try {
            Process getent = new ProcessBuilder("getent", "passwd", name).redirectErrorStream(true).start();
            entry = new String(getent.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!getent.waitFor(30, TimeUnit.SECONDS) || getent.exitValue() != 0) {
                throw new IllegalArgumentException(setting + ": unknown user \"" + name + "\"");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(setting + ": cannot look up user \"" + name + "\": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalArgumentException(setting + ": interrupted while looking up \"" + name + "\"", e);
        }
        String[] fields = entry.split(":", -1);
        if (fields.length < 4) {
            throw new IllegalArgumentException(setting + ": unreadable passwd entry for \"" + name + "\": " + entry);
        }
        DefaultPrivs privs = new DefaultPrivs(name, Integer.parseInt(fields[2]), Integer.parseInt(fields[3]));
        if (privs.uid == 0 || privs.gid == 0) {
            throw new IllegalArgumentException(setting + ": \"" + name + "\" is a privileged user (uid or gid 0)");
        }
        return privs;
    }

    /** What a command line is prefixed with to run as this account. */
    List<String> commandPrefix() {
        return List.of(SETPRIV, "--reuid=" + uid, "--regid=" + gid, "--clear-groups", "--");
    }

    /**
     * Whether this account could append to {@code file}, or create it when it does not exist, by the
     * mode bits (ACLs are not consulted: a refusal is a deferral, never a loss).
     */
    boolean mayWrite(Path file) throws IOException {
        Path absolute = file.toAbsolutePath().normalize();
        Path folder = absolute.getParent();
        // Folders are looked at as the kernel walks them, through any symbolic link; the file itself never is.
        for (Path above = folder; above != null; above = above.getParent()) {
            if (Files.exists(above) && !allows(above, PosixFilePermission.OWNER_EXECUTE,
                    PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_EXECUTE)) {
                return false;
            }
        }
        if (Files.exists(absolute, LinkOption.NOFOLLOW_LINKS)) {
            return allows(absolute, PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.OTHERS_WRITE, LinkOption.NOFOLLOW_LINKS);
        }
        return folder != null && Files.isDirectory(folder)
            && allows(folder, PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
    }

    /** Gives a file created for this account to it, as if it had created it. */
    void adopt(Path file) throws IOException {
        Files.setAttribute(file, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(file, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    }

    /** The permission class that applies to this account (owner, else group, else other), as the kernel picks it. */
    private boolean allows(Path path, PosixFilePermission owner, PosixFilePermission group, PosixFilePermission other,
                           LinkOption... links) throws IOException {
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(path, links);
        if ((Integer) Files.getAttribute(path, "unix:uid", links) == uid) {
            return mode.contains(owner);
        }
        if ((Integer) Files.getAttribute(path, "unix:gid", links) == gid) {
            return mode.contains(group);
        }
        return mode.contains(other);
    }

    /** The effective uid of this process: the owner of {@code /proc/self}; not root when that cannot be read. */
    static int currentUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name")) ? 0 : -1;
        }
    }
}
