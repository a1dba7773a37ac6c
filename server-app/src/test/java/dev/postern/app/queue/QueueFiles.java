package dev.postern.app.queue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.apache.james.queue.api.MailQueueName;

/** Looks at a queue directory the way an operator would: by listing and reading its files. */
final class QueueFiles {
    private final Path root;

    QueueFiles(Path root) {
        this.root = root;
    }

    List<Path> content() throws IOException {
        return list(root.resolve("content"));
    }

    List<Path> envelopes(String queue) throws IOException {
        return list(root.resolve("queues").resolve(QueueLayout.encode(MailQueueName.of(queue))));
    }

    List<Path> temporary() throws IOException {
        return list(root.resolve("tmp"));
    }

    List<Path> corrupt() throws IOException {
        return list(root.resolve("corrupt"));
    }

    Envelope envelope(Path file) throws IOException {
        return new EnvelopeCodec().decode(file.getFileName().toString(), Files.readAllBytes(file));
    }

    Path root() {
        return root;
    }

    private static List<Path> list(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.sorted().toList();
        }
    }
}
