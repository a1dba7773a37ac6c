package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.app.harness.ExitResult;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code postern health} (the container's HEALTHCHECK) against a live server: healthy, then each of
 * Postern's checks failing and recovering, then a stopped server.
 */
class HealthIT {
    @RegisterExtension
    final PosternExtension postern = new PosternExtension();

    @Test
    void reportsTheQueueDirectoryTheTablesAndAStoppedServer() throws Exception {
        PosternProcess server = postern.newServer().myhostname("mx.health-it.test")
            .parameter("smtpd_client_restrictions", "check_client_access cidr:conf/clients.cidr");
        server.writeConfFile("clients.cidr", "192.0.2.0/24 REJECT\n");
        server.start();

        ExitResult healthy = server.runCommand("health");
        assertThat(healthy.exitCode()).as("%s", healthy).isZero();
        assertThat(healthy.stdout()).isEqualTo("postern: health: healthy\n");

        Path table = server.confDir().resolve("clients.cidr");
        Path aside = server.confDir().resolve("clients.cidr.aside");
        Files.move(table, aside);
        ExitResult noTable = server.runCommand("health");
        assertThat(noTable.exitCode()).as("%s", noTable).isEqualTo(1);
        assertThat(noTable.stderr()).isEqualTo("postern: health: unhealthy: Postern lookup tables unhealthy: cannot read "
            + table.toAbsolutePath().normalize() + "\n");
        Files.move(aside, table);

        Path queue = server.varDir().resolve("queue");
        Path queueAside = server.varDir().resolve("queue.aside");
        Files.move(queue, queueAside);
        ExitResult noQueue = server.runCommand("health");
        assertThat(noQueue.exitCode()).as("%s", noQueue).isEqualTo(1);
        assertThat(noQueue.stderr()).isEqualTo("postern: health: unhealthy: Postern queue directory unhealthy: "
            + queue + " is not a directory\n");
        Files.move(queueAside, queue);
        assertThat(server.runCommand("health").exitCode()).isZero();

        assertThat(server.stop()).isZero();
        ExitResult stopped = server.runCommand("health");
        assertThat(stopped.exitCode()).isEqualTo(1);
        assertThat(stopped.stderr()).startsWith("postern: health: no Postern server answers at 127.0.0.1:")
            .contains("connection refused; is it running?");
    }
}
