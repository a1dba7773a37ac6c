package dev.postern.mailets;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

import org.apache.james.filesystem.api.FileSystem;

/** James's FileSystem over a home directory: {@code file://x} is {@code home/x}. */
public final class FakeFileSystem implements FileSystem {
    private final Path home;

    public FakeFileSystem(Path home) {
        this.home = home;
    }

    @Override
    public InputStream getResource(String url) throws IOException {
        return new FileInputStream(getFile(url));
    }

    @Override
    public File getFile(String fileURL) {
        if (!fileURL.startsWith(FILE_PROTOCOL)) {
            throw new IllegalArgumentException("not a file URL: " + fileURL);
        }
        return home.resolve(fileURL.substring(FILE_PROTOCOL.length())).toFile();
    }

    @Override
    public File getBasedir() {
        return home.toFile();
    }
}
