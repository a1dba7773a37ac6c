package dev.postern.delivery.local;

import java.io.FileNotFoundException;
import java.nio.file.Path;

import javax.mail.MessagingException;

import org.apache.james.filesystem.api.FileSystem;

/** Where delivered mail goes: the {@code mailRoot} init parameter of the local delivery mailets. */
public final class MailRoot {
    /** The init parameter of the local delivery mailets that names the mail root. */
    public static final String MAIL_ROOT = "mailRoot";
    /** Where mail goes without that parameter: {@code var/mail/} under the home. */
    public static final String DEFAULT_MAIL_ROOT = "file://var/mail/";

    private MailRoot() {
    }

    /**
     * {@code file://...} through James's FileSystem; a relative path against the home.
     *
     * @throws MessagingException naming the mailet and the value
     */
    public static Path resolve(FileSystem fileSystem, String value, String mailetName) throws MessagingException {
        try {
            if (value.startsWith("file:")) {
                return fileSystem.getFile(value).toPath();
            }
            Path path = Path.of(value);
            return path.isAbsolute() ? path : fileSystem.getFile(FileSystem.FILE_PROTOCOL + value).toPath();
        } catch (FileNotFoundException | RuntimeException e) {
            throw new MessagingException(mailetName + ": " + MAIL_ROOT + ": cannot resolve \"" + value
                + "\": " + e.getMessage(), e);
        }
    }

    /** The home: the base of relative paths in aliases and of commands' working directory. */
    public static Path home(FileSystem fileSystem, String mailetName) throws MessagingException {
        try {
            return fileSystem.getBasedir().toPath().toAbsolutePath();
        } catch (FileNotFoundException | RuntimeException e) {
            throw new MessagingException(mailetName + ": cannot find the home directory: " + e.getMessage(), e);
        }
    }
}
