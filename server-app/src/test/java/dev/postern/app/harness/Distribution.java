package dev.postern.app.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Finds the built distribution ({@code server-app/target/postern/}) the end-to-end tests run. */
public final class Distribution {

    /** The system property failsafe sets to the distribution folder. */
    public static final String PROPERTY = "postern.distribution";

    private Distribution() {
    }

    /**
     * The folder named by {@value #PROPERTY}, or else {@code target/postern} under the module directory
     * (Maven's {@code basedir} property, or the working directory). Fails with a message saying how to
     * build it when it holds no {@code bin/postern}.
     */
    public static Path locate() {
        String property = System.getProperty(PROPERTY);
        Path folder;
        if (property != null && !property.isBlank()) {
            folder = Paths.get(property);
        } else {
            folder = moduleDirectory().resolve("target").resolve("postern");
        }
        folder = folder.toAbsolutePath().normalize();
        if (!Files.isRegularFile(folder.resolve("bin").resolve("postern"))) {
            throw new IllegalStateException("no Postern distribution at " + folder + " (no bin/postern): build it with"
                    + " `mvn -B -DskipTests package` or pass -D" + PROPERTY + "=<folder>");
        }
        return folder;
    }

    /** The server-app module folder: Maven's {@code basedir} or the working directory. */
    static Path moduleDirectory() {
        String basedir = System.getProperty("basedir");
        return Paths.get(basedir != null && !basedir.isBlank() ? basedir : System.getProperty("user.dir"))
                .toAbsolutePath().normalize();
    }

    /**
     * Where test homes go: {@code target/it-homes} next to the distribution when it sits in a
     * {@code target} folder, else under the module's {@code target}.
     */
    public static Path homesRoot(Path distribution) {
        String override = System.getProperty("postern.it.homes");
        if (override != null && !override.isBlank()) {
            return Paths.get(override).toAbsolutePath().normalize();
        }
        Path parent = distribution.getParent();
        if (parent != null && parent.getFileName() != null && parent.getFileName().toString().equals("target")) {
            return parent.resolve("it-homes");
        }
        return moduleDirectory().resolve("target").resolve("it-homes");
    }
}
