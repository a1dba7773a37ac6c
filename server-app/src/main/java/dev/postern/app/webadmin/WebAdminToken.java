package dev.postern.app.webadmin;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The credential every WebAdmin request must carry ({@code Authorization: Bearer TOKEN}): 256 random
 * bits, made at the server's first start in {@code var/store/webadmin.token} (file 0600, folder 0700)
 * and kept across restarts. {@code bin/postern} reads it from the same home, so an administrator
 * never handles it; whoever can read the file can manage the server, exactly as whoever can read
 * {@code var/} can read the mail. Deleting the file and restarting makes a new one.
 */
public final class WebAdminToken {
    /** Relative to var/. */
    public static final String FILE = "store/webadmin.token";
    private static final int RANDOM_BYTES = 32;
    private static final Pattern FORM = Pattern.compile("[A-Za-z0-9_-]{43,}");
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> FOLDER_MODE = PosixFilePermissions.fromString("rwx------");

    private final String value;

    private WebAdminToken(String value) {
        this.value = value;
    }

    public static Path file(Path var) {
        return var.resolve(FILE);
    }

    /** The server's side: the token of this var/, made now if there is none yet. */
    public static WebAdminToken loadOrCreate(Path var) throws IOException {
        Path file = file(var);
        createFolder(file.getParent());
        if (!Files.exists(file)) {
            create(file);
        }
        restrict(file, FILE_MODE);
        return read(var);
    }

    /**
     * The command line's side: the token the running server made. The errors say what the
     * operator can do about it (start the server once, run as its user, name the right --var).
     */
    public static WebAdminToken read(Path var) throws IOException {
        Path file = file(var);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            throw new IOException("no WebAdmin token at " + file + ": the server makes it at its first start"
                + " (is --var the server's?)", e);
        } catch (AccessDeniedException e) {
            throw new IOException("cannot read the WebAdmin token " + file + ": permission denied"
                + " (run this command as the user that runs the server)", e);
        }
        if (!FORM.matcher(text).matches()) {
            throw new IOException(file + " does not hold a WebAdmin token; delete it and restart the server to"
                + " make a new one");
        }
        return new WebAdminToken(text);
    }

    /** The value of the {@code Authorization} header that carries this token. */
    public String authorization() {
        return "Bearer " + value;
    }

    /** Whether an {@code Authorization} header carries this token; compared in constant time. */
    public boolean authorizes(String authorizationHeader) {
        if (authorizationHeader == null) {
            return false;
        }
        return MessageDigest.isEqual(authorization().getBytes(StandardCharsets.US_ASCII),
            authorizationHeader.strip().getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public String toString() {
        return "WebAdminToken[hidden]";
    }

    private static void create(Path file) throws IOException {
        byte[] random = new byte[RANDOM_BYTES];
        new SecureRandom().nextBytes(random);
        byte[] contents = (Base64.getUrlEncoder().withoutPadding().encodeToString(random) + "\n")
            .getBytes(StandardCharsets.US_ASCII);
        // Written under another name with its final mode from the start, then renamed: no moment
        // where the token is readable by others or half written.
        Path temporary = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        try (FileChannel channel = FileChannel.open(temporary, Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), attributes(file.getParent(), FILE_MODE))) {
            channel.write(ByteBuffer.wrap(contents));
            channel.force(true);
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void createFolder(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            try {
                Files.createDirectories(folder);
            } catch (FileAlreadyExistsException e) {
                throw new IOException(folder + " exists and is not a folder", e);
            }
        }
        restrict(folder, FOLDER_MODE);
    }

    private static FileAttribute<?>[] attributes(Path folder, Set<PosixFilePermission> mode) {
        return isPosix(folder) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(mode)}
            : new FileAttribute<?>[0];
    }

    private static void restrict(Path path, Set<PosixFilePermission> mode) throws IOException {
        if (!isPosix(path)) {
            return;
        }
        try {
            Files.setPosixFilePermissions(path, mode);
        } catch (IOException e) {
            // AccessDeniedException's message is the bare path; say what was tried.
            throw new IOException("cannot make " + path + " " + PosixFilePermissions.toString(mode) + " ("
                + e.getClass().getSimpleName() + "; is it owned by the user that runs the server?)", e);
        }
    }

    private static boolean isPosix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
