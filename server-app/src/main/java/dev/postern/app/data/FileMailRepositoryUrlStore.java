package dev.postern.app.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.mailrepository.api.MailRepositoryUrlStore;

/**
 * Remembers which mail repositories exist, across restarts, so that WebAdmin lists the
 * hold and error repositories under {@code var/spool/} even before anything new is
 * written to them (James's memory store forgets them at every start).
 */
public class FileMailRepositoryUrlStore implements MailRepositoryUrlStore {
    private final Path file;
    private final Set<MailRepositoryUrl> urls = new LinkedHashSet<>();

    public FileMailRepositoryUrlStore(Path file) {
        this.file = file;
        load();
    }

    @Override
    public synchronized void add(MailRepositoryUrl url) {
        if (urls.add(url)) {
            save();
        }
    }

    @Override
    public synchronized Stream<MailRepositoryUrl> listDistinct() {
        return Set.copyOf(urls).stream();
    }

    @Override
    public synchronized boolean contains(MailRepositoryUrl url) {
        return urls.contains(url);
    }

    private void load() {
        if (!Files.exists(file)) {
            return;
        }
        try {
            Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                .map(String::trim)
                .filter(line -> !line.isEmpty())
                .map(MailRepositoryUrl::from)
                .forEach(urls::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private void save() {
        String contents = urls.stream().map(MailRepositoryUrl::asString).map(u -> u + "\n").collect(Collectors.joining());
        try {
            DurableFiles.replace(file, contents.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
