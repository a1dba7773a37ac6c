package dev.postern.app.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failed write leaves neither the target nor its temporary file, whatever the failure. */
class DurableFileWriterTest {
    @TempDir
    Path directory;

    @Test
    void anOutOfMemoryErrorWhileWritingLeavesNoTemporaryFile() throws IOException {
        Path tmp = Files.createDirectories(directory.resolve("tmp"));
        DurableFileWriter writer = new DurableFileWriter(tmp, new SyncStatistics());

        assertThatThrownBy(() -> writer.write(directory.resolve("content"), out -> {
            out.write(new byte[100_000]);
            throw new OutOfMemoryError("Java heap space (simulated)");
        })).isInstanceOf(OutOfMemoryError.class);

        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left).isEmpty();
        }
        assertThat(directory.resolve("content")).doesNotExist();
    }
}
