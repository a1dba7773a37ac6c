package dev.postern.app.health;

import java.nio.file.Files;
import java.nio.file.Path;

import javax.inject.Inject;

import org.apache.james.core.healthcheck.ComponentName;
import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.core.healthcheck.Result;
import org.reactivestreams.Publisher;

import dev.postern.app.PosternHome;
import reactor.core.publisher.Mono;

/**
 * The queue directory ({@code var/queue/}) exists and the server may read and write it: without
 * it no message can be accepted, whatever the listeners say. A volume unmounted, remounted
 * read-only or handed to another user after the start shows here before mail is refused.
 */
public final class QueueDirectoryHealthCheck implements HealthCheck {
    public static final ComponentName COMPONENT = new ComponentName("Postern queue directory");

    private final Path queue;

    @Inject
    public QueueDirectoryHealthCheck(PosternHome home) {
        this(home.var().resolve("queue"));
    }

    QueueDirectoryHealthCheck(Path queue) {
        this.queue = queue;
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
        if (!Files.isDirectory(queue)) {
            return Result.unhealthy(COMPONENT, queue + " is not a directory");
        }
        if (!Files.isReadable(queue) || !Files.isWritable(queue) || !Files.isExecutable(queue)) {
            return Result.unhealthy(COMPONENT, queue + " cannot be read and written by this process");
        }
        return Result.healthy(COMPONENT);
    }
}
