package dev.postern.qmgr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.PosternEnvironment;
import dev.postern.config.ConfigException;
import dev.postern.config.LiveConfiguration;
import dev.postern.config.MainCf;
import dev.postern.config.SmtpdListeners;
import dev.postern.log.MailLog;
import dev.postern.mailets.FakeFileSystem;
import dev.postern.mailets.RecordingMailetContext;
import dev.postern.queue.QueueIdGenerator;
import dev.postern.testing.FakeDomainList;
import dev.postern.testing.FakeUsersRepository;

/** The queue manager across reloads: the next mail is routed with the new configuration. */
class QueueManagerReloadTest {
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

    @TempDir
    Path home;

    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final List<String> log = new ArrayList<>();
    private final RecordingMailetContext context = new RecordingMailetContext();

    private static MainCf mainCf(String transport) throws ConfigException {
        return MainCf.parse("main.cf", List.of("myhostname = mx.example.com",
            "transport_maps = inline:{remote.example=" + transport + "}"), Map.of());
    }

    private QueueManager manager(LiveConfiguration live) throws Exception {
        PosternEnvironment environment = new PosternEnvironment(live.current().mainCf(),
            new MailLog("postern", "mx.example.com", clock, log::add));
        environment.setLive(live);
        QueueManager manager = new QueueManager(new FakeUsersRepository(), new FakeDomainList("mx.example.com"),
            new FakeFileSystem(home), new QueueIdGenerator(), environment);
        manager.init(FakeMailetConfig.builder().mailetName("QueueManager").mailetContext(context.context()).build());
        return manager;
    }

    private static FakeMail mail() throws Exception {
        return FakeMail.builder().name("4F2A1B3C9D").sender(MaybeSender.getMailSender("sender@example.org"))
            .recipients(List.of(new MailAddress("user@remote.example"))).build();
    }

    @Test
    void theMailAfterAReloadIsRoutedWithTheNewTransportMaps() throws Exception {
        LiveConfiguration live = new LiveConfiguration(mainCf("discard:first-route"), SmtpdListeners.none());
        QueueManager manager = manager(live);

        manager.service(mail());
        live.reload(mainCf("discard:second-route"), SmtpdListeners.none());
        manager.service(mail());

        assertThat(log).hasSize(2);
        assertThat(log.get(0)).contains("to=<user@remote.example>").contains("status=sent (first-route)");
        assertThat(log.get(1)).contains("to=<user@remote.example>").contains("status=sent (second-route)");
    }

    @Test
    void aRoutingTableThatCannotBeOpenedRefusesTheReloadAndMailKeepsTheOldRoute() throws Exception {
        LiveConfiguration live = new LiveConfiguration(mainCf("discard:first-route"), SmtpdListeners.none());
        QueueManager manager = manager(live);

        MainCf missingTable = MainCf.parse("main.cf", List.of("myhostname = mx.example.com",
            "transport_maps = texthash:" + home.resolve("no-such-transport")), Map.of());
        assertThatThrownBy(() -> live.reload(missingTable, SmtpdListeners.none()))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("QueueManager")
            .hasMessageContaining("no-such-transport");
        manager.service(mail());

        assertThat(live.current().number()).isZero();
        assertThat(log).singleElement().asString().contains("status=sent (first-route)");
    }
}
