package dev.postern.app.health;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.inject.Inject;

import org.apache.james.core.healthcheck.ComponentName;
import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.core.healthcheck.Result;
import org.reactivestreams.Publisher;

import dev.postern.tables.TableRegistry;
import reactor.core.publisher.Mono;

/**
 * Every table file the server opened can still be read. A table that disappears keeps its last
 * contents in memory (the registry logs the failed reload), so mail keeps flowing; but the next
 * start would fail, which is what an operator wants to hear about now.
 */
public final class TableFilesHealthCheck implements HealthCheck {
    public static final ComponentName COMPONENT = new ComponentName("Postern lookup tables");

    private final TableRegistry tables;

    @Inject
    public TableFilesHealthCheck(TableRegistry tables) {
        this.tables = tables;
    }

    @Override
    public ComponentName componentName() {
        return COMPONENT;
    }

    @Override
    public Publisher<Result> check() {
        return Mono.fromCallable(this::result);
    }

    Result result() {
        List<Path> unreadable = tables.files().stream()
            .filter(file -> !Files.isRegularFile(file) || !Files.isReadable(file))
            .toList();
        if (unreadable.isEmpty()) {
            return Result.healthy(COMPONENT);
        }
        return Result.unhealthy(COMPONENT, "cannot read " + String.join(", ", unreadable.stream().map(Path::toString).toList()));
    }
}
