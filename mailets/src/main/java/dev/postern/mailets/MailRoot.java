package dev.postern.mailets;

import java.io.FileNotFoundException;
import java.nio.file.Path;

import javax.mail.MessagingException;

import org.apache.james.filesystem.api.FileSystem;

/** Where delivered mail goes: the {@code mailRoot} init parameter of the local delivery mailets. */
final class MailRoot {
    private MailRoot() {
    }

    /**
     * {@code file://...} through James's FileSystem; a relative path against the home.
     *
     * @throws MessagingException naming the mailet and the value
     */
    static Path resolve(FileSystem fileSystem, String value, String mailetName) throws MessagingException {
        try {
            if (value.startsWith("file:")) {
                return fileSystem.getFile(value).toPath();
            }
            Path path = Path.of(value);
            return path.isAbsolute() ? path : fileSystem.getFile(FileSystem.FILE_PROTOCOL + value).toPath();
        } catch (FileNotFoundException | RuntimeException e) {
            throw new MessagingException(mailetName + ": " + MaildirDelivery.MAIL_ROOT + ": cannot resolve \"" + value
                + "\": " + e.getMessage(), e);
        }
    }

    /** The home: the base of relative paths in aliases and of commands' working directory. */
    static Path home(FileSystem fileSystem, String mailetName) throws MessagingException {
        try {
            return fileSystem.getBasedir().toPath().toAbsolutePath();
        } catch (FileNotFoundException | RuntimeException e) {
            throw new MessagingException(mailetName + ": cannot find the home directory: " + e.getMessage(), e);
        }
    }
}
