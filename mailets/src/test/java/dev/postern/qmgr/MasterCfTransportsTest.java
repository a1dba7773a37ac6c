package dev.postern.qmgr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.postern.config.ComponentParameters;
import dev.postern.config.ConfigException;
import dev.postern.config.MainCf;
import dev.postern.config.MasterCf;
import dev.postern.delivery.Courier;
import dev.postern.delivery.RecipientResult;

class MasterCfTransportsTest {

    /** A courier that says which program and settings it was made with. */
    private record Made(String service, String helo, String doneTimeout) implements Courier {
        @Override
        public List<RecipientResult> deliver(dev.postern.delivery.Delivery delivery) {
            return List.of();
        }
    }

    private static final Courier BUILT_IN_SMTP = new Made("smtp", "built-in", "");

    private final Map<String, String> instanceSettings = new HashMap<>();

    private Map<String, Courier> couriers(String... masterCf) throws ConfigException {
        ComponentParameters base = ComponentParameters.of(MainCf.parse("main.cf", List.of("smtp_helo_name = main.example"),
            Map.of()), name -> Optional.ofNullable(instanceSettings.get(name)), "QueueManager");
        return MasterCfTransports.couriers(MasterCf.parse("master.cf", List.of(masterCf), Path.of("master.cf")),
            Map.of("smtp", BUILT_IN_SMTP, "relay", BUILT_IN_SMTP), base, name -> Optional.ofNullable(instanceSettings.get(name)),
            "QueueManager", (service, parameters) -> new Made(service.command(), parameters.get("smtp_helo_name"),
                parameters.get("smtp_data_done_timeout")), new ArrayList<>());
    }

    @Test
    void aServiceRunningADeliveryAgentIsATransportWithItsOverrides() throws ConfigException {
        Map<String, Courier> couriers = couriers(
            "polite unix - - n - - smtp -o smtp_helo_name=polite.example -o smtp_data_done_timeout=1200s",
            "dovecot unix - n n - - pipe flags=DRhu user=vmail argv=/usr/lib/dovecot/deliver -d ${recipient}",
            "pickup unix n - y 60 1 pickup");

        assertThat(couriers.get("polite")).isEqualTo(new Made("smtp", "polite.example", "1200s"));
        assertThat(couriers.get("dovecot")).isEqualTo(new Made("pipe", "main.example", "600s"));
        assertThat(couriers).doesNotContainKey("pickup");
    }

    @Test
    void aBuiltInTransportAsMasterCfWritesItStaysBuiltInAndAnOverriddenOneIsMadeAgain() throws ConfigException {
        Map<String, Courier> couriers = couriers("smtp unix - - y - - smtp",
            "relay unix - - y - - smtp -o smtp_helo_name=relay.example");

        assertThat(couriers.get("smtp")).isSameAs(BUILT_IN_SMTP);
        assertThat(couriers.get("relay")).isEqualTo(new Made("smtp", "relay.example", "600s"));
    }

    @Test
    void aServicesOverrideBeatsTheComponentsOwnSetting() throws ConfigException {
        instanceSettings.put("smtp_helo_name", "instance.example");

        Map<String, Courier> couriers = couriers("polite unix - - n - - smtp -o smtp_helo_name=polite.example",
            "plain unix - - n - - smtp -o smtp_data_done_timeout=1200s");

        assertThat(((Made) couriers.get("polite")).helo()).isEqualTo("polite.example");
        assertThat(((Made) couriers.get("plain")).helo()).isEqualTo("instance.example");
    }

    @Test
    void anOverrideWithABadValueNamesTheMasterCfLine() {
        assertThatThrownBy(() -> couriers("# x", "polite unix - - n - - smtp -o smtp_data_done_timeout=soon"))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("master.cf, line 2: polite/unix");
    }
}
