package dev.postern.app.postscreen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.address.NetworkList;
import dev.postern.app.postscreen.PostscreenAccessList.Verdict;
import dev.postern.config.ConfigException;
import dev.postern.tables.TableRegistry;

class PostscreenAccessListTest {
    @TempDir
    Path directory;

    private PostscreenAccessList list(String... items) throws Exception {
        Files.writeString(directory.resolve("access.cidr"), String.join("\n",
            "192.0.2.0/28   reject", "192.0.2.16/28  permit", "192.0.2.0/24   dunno", "198.51.100.7  REJECT go away", ""));
        TableRegistry tables = new TableRegistry(directory);
        return PostscreenAccessList.parse(List.of(items), NetworkList.parse("mynetworks", List.of("127.0.0.0/8")), name -> {
            try {
                return tables.open(name);
            } catch (ConfigException e) {
                throw new IllegalArgumentException(e);
            }
        });
    }

    @Test
    void theFirstItemThatDecidesWins() throws Exception {
        PostscreenAccessList list = list("permit_mynetworks", "cidr:access.cidr");
        assertThat(list.evaluate(InetAddress.getByName("127.0.0.5"))).isEqualTo(Verdict.PERMIT);
        assertThat(list.evaluate(InetAddress.getByName("192.0.2.3"))).isEqualTo(Verdict.REJECT);
        assertThat(list.evaluate(InetAddress.getByName("192.0.2.20"))).isEqualTo(Verdict.PERMIT);
        assertThat(list.evaluate(InetAddress.getByName("192.0.2.200"))).as("dunno").isEqualTo(Verdict.DUNNO);
        assertThat(list.evaluate(InetAddress.getByName("198.51.100.7"))).as("text after the action").isEqualTo(Verdict.REJECT);
        assertThat(list.evaluate(InetAddress.getByName("203.0.113.1"))).isEqualTo(Verdict.DUNNO);
    }

    @Test
    void withoutPermitMynetworksMynetworksIsNotSpecial() throws Exception {
        assertThat(list("cidr:access.cidr").evaluate(InetAddress.getByName("127.0.0.5"))).isEqualTo(Verdict.DUNNO);
    }

    @Test
    void anUnknownItemIsAnErrorNamingTheParameter() {
        assertThatThrownBy(() -> list("permit_sasl_authenticated"))
            .hasMessageContaining("postscreen_access_list").hasMessageContaining("permit_sasl_authenticated");
    }
}
