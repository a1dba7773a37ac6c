package dev.postern.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.postern.config.MainCf;

class ListenerCheckTest {
    @Test
    void aBusyMetricsListenerIsOneLineNamingTheParameter() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            MainCf mainCf = MainCf.parse("main.cf", List.of("postern_smtpd_listen =", "postern_webadmin_listen =",
                "postern_metrics_listen = 127.0.0.1:" + busy.getLocalPort()), Map.of());

            assertThatThrownBy(() -> ListenerCheck.assertAvailable(mainCf)).isInstanceOf(StartupFailure.class)
                .hasMessageStartingWith("cannot listen on 127.0.0.1:" + busy.getLocalPort() + " (postern_metrics_listen): ");
        }
    }

    @Test
    void theMetricsListenerIsOffByDefault() throws Exception {
        MainCf mainCf = MainCf.parse("main.cf", List.of("postern_smtpd_listen =", "postern_webadmin_listen ="), Map.of());

        assertThat(mainCf.get("postern_metrics_listen")).isEmpty();
        ListenerCheck.assertAvailable(mainCf);
    }
}
