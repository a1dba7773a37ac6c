package dev.postern.qmgr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.config.MainCf;
import dev.postern.verify.AddressVerifier;
import dev.postern.verify.VerifyStatus;

/** The verification service as main.cf makes it, and its probes. */
class VerifyServiceTest {
    @TempDir
    Path home;

    private static MainCf mainCf(String... lines) throws Exception {
        List<String> all = new ArrayList<>(List.of("myhostname = mx.example.com", "myorigin = example.com"));
        all.addAll(List.of(lines));
        return MainCf.parse("main.cf", all, Map.of());
    }

    @Test
    void theCacheIsAFileUnderTheHomeAndTheSenderIsQualified() throws Exception {
        VerifyService service = VerifyService.fromMainCf(mainCf(), home, Clock.systemUTC());
        List<String> probes = new ArrayList<>();
        service.attach(probes::add);

        assertThat(service.sender()).isEqualTo("double-bounce@example.com");
        assertThat(service.query("a@remote.example")).isEqualTo(VerifyStatus.inProgress());
        assertThat(service.query("a@remote.example")).isEqualTo(VerifyStatus.inProgress());
        assertThat(probes).as("one probe per address").containsExactly("a@remote.example");
        assertThat(Files.readString(home.resolve("var/verify_cache"))).startsWith("a@remote.example\tIN_PROGRESS\t");
    }

    @Test
    void withoutAQueueManagerTheServiceCannotAnswer() throws Exception {
        VerifyService service = VerifyService.fromMainCf(mainCf("address_verify_map ="), home, Clock.systemUTC());

        assertThatThrownBy(() -> service.query("a@remote.example")).isInstanceOf(AddressVerifier.VerifyException.class)
            .hasMessage("no queue manager takes address verification probes");
        assertThat(home.resolve("var/verify_cache")).doesNotExist();
    }

    @Test
    void postfixsTableTypesAreRefusedNamingTheParameter() {
        assertThatThrownBy(() -> VerifyService.fromMainCf(mainCf("address_verify_map = btree:/var/lib/postfix/verify_cache"),
            home, Clock.systemUTC()))
            .hasMessageStartingWith("address_verify_map = btree:/var/lib/postfix/verify_cache: Postern keeps the address"
                + " verification cache in a file of its own");
    }
}
