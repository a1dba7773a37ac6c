package dev.postern.app.harness;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

import dev.postern.testing.smtp.SmtpSink;

/** A distribution folder whose {@code bin/postern} runs {@link FakePostern}: for testing the harness. */
final class FakeDistribution {

    private FakeDistribution() {
    }

    static Path create(Path folder) {
        try {
            Files.createDirectories(folder.resolve("bin"));
            Files.createDirectories(folder.resolve("conf"));
            Files.createDirectories(folder.resolve("lib"));
            Files.writeString(folder.resolve("conf/main.cf"), "# fake main.cf\nmyhostname = fake.example\n");
            // FakePostern answers SMTP with the test-support module's SmtpSink, from its own jar.
            String classpath = location(FakePostern.class) + File.pathSeparator + location(SmtpSink.class);
            Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
            Path launcher = folder.resolve("bin/postern");
            Files.writeString(launcher, "#!/bin/sh\nexec \"" + java + "\" -cp \"" + classpath + "\" "
                    + FakePostern.class.getName() + " \"$@\"\n");
            Files.setPosixFilePermissions(launcher, Set.of(PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path location(Class<?> type) {
        try {
            return Paths.get(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
