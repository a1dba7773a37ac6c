package dev.postern.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The services of a master.cf, as Postfix's master reads them: one {@link MasterCfService} per
 * name and type, the last entry of the same name and type winning. Which of them Postern runs,
 * and as what, is {@link MasterCfService#role()}.
 */
public final class MasterCf {
    public static final String FILE_NAME = "master.cf";

    private static final MasterCf NONE = new MasterCf(null, List.of());

    private final Path file;
    private final List<MasterCfService> services;

    MasterCf(Path file, List<MasterCfService> services) {
        this.file = file;
        Map<String, MasterCfService> byKey = new LinkedHashMap<>();
        for (MasterCfService service : services) {
            byKey.remove(service.name() + "/" + service.type());
            byKey.put(service.name() + "/" + service.type(), service);
        }
        this.services = List.copyOf(byKey.values());
    }

    /** No master.cf: Postern's built-in transports and smtpserver.xml's listeners. */
    public static MasterCf none() {
        return NONE;
    }

    /** Reads {@code file}. */
    public static MasterCf load(Path file) throws ConfigException {
        try {
            return parse(file.toString(), Files.readAllLines(file, StandardCharsets.UTF_8), file);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** The master.cf beside {@code mainCf}, or {@link #none()} when there is none. */
    public static MasterCf besideMainCf(Path mainCf) throws ConfigException {
        if (mainCf == null) {
            return NONE;
        }
        Path file = mainCf.toAbsolutePath().resolveSibling(FILE_NAME);
        return Files.isRegularFile(file) ? load(file) : NONE;
    }

    /** @param fileNameForErrors the name errors use ({@code conf/master.cf}) */
    public static MasterCf parse(String fileNameForErrors, List<String> lines, Path file) throws ConfigException {
        return new MasterCf(file, MasterCfParser.parse(fileNameForErrors, lines));
    }

    public boolean isPresent() {
        return file != null;
    }

    /** The file read, or empty for {@link #none()}. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** Every service in file order (of each name and type, the last entry). */
    public List<MasterCfService> services() {
        return services;
    }

    public List<MasterCfService> withRole(MasterCfService.Role role) {
        return services.stream().filter(service -> service.role() == role).toList();
    }

    /** The {@code unix} service Postern runs as the transport {@code name}. */
    public Optional<MasterCfService> transport(String name) {
        return withRole(MasterCfService.Role.TRANSPORT).stream().filter(service -> service.name().equals(name)).findFirst();
    }
}
