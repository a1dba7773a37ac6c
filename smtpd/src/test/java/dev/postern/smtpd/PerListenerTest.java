package dev.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.protocols.smtp.SMTPSession;
import org.junit.jupiter.api.Test;

import dev.postern.config.ConfigException;
import dev.postern.config.Generation;
import dev.postern.config.LiveConfiguration;
import dev.postern.config.MainCf;
import dev.postern.config.SmtpdListeners;

/** The per-listener settings of hooks across reloads: rebuilt per generation, chosen once per session. */
class PerListenerTest {
    private static final int SUBMISSION = 2587;

    private static MainCf mainCf(String... lines) throws ConfigException {
        return MainCf.parse("main.cf", List.of(lines), Map.of());
    }

    /** The submission listener with its smtpserver.xml override on top of {@code base}. */
    private static SmtpdListeners listeners(MainCf base) throws ConfigException {
        return new SmtpdListeners(List.of(new SmtpdListeners.Listener("submission", SUBMISSION,
            base.withOverrides(Map.of("smtpd_recipient_limit", "5"), "smtpserver.xml: listener submission"))));
    }

    private final AtomicInteger builds = new AtomicInteger();

    private PerListener<String> relayhostAndLimit(LiveConfiguration live) throws Exception {
        HookEnvironment environment = new HookEnvironment(live.current().mainCf(), null);
        environment.setListeners(live.current().listeners());
        environment.setLive(live);
        return environment.perListener(new BaseHierarchicalConfiguration(), new RecipientLimitHook(environment),
            parameters -> {
                builds.incrementAndGet();
                if (parameters.get("relayhost").contains("broken")) {
                    throw new IllegalArgumentException("relayhost: cannot use " + parameters.get("relayhost"));
                }
                return parameters.get("relayhost") + " " + parameters.number("smtpd_recipient_limit");
            });
    }

    @Test
    void anOpenSessionKeepsItsSettingsAndANewSessionGetsTheReloadedOnes() throws Exception {
        MainCf start = mainCf("relayhost = [a.example]");
        LiveConfiguration live = new LiveConfiguration(start, listeners(start));
        PerListener<String> settings = relayhostAndLimit(live);
        SMTPSession open = FakeSessions.withAttachments();
        assertThat(settings.of(open)).isEqualTo("[a.example] 1000");

        MainCf reloaded = mainCf("relayhost = [b.example]", "smtpd_recipient_limit = 50");
        live.reload(reloaded, listeners(reloaded));

        assertThat(settings.of(open)).isEqualTo("[a.example] 1000");
        assertThat(settings.of(FakeSessions.withAttachments())).isEqualTo("[b.example] 50");
    }

    @Test
    void listenerOverridesStayAppliedOnTopOfTheReloadedMainCf() throws Exception {
        MainCf start = mainCf("relayhost = [a.example]");
        LiveConfiguration live = new LiveConfiguration(start, listeners(start));
        PerListener<String> settings = relayhostAndLimit(live);
        assertThat(settings.of(FakeSessions.onListener(SUBMISSION))).isEqualTo("[a.example] 5");

        MainCf reloaded = mainCf("relayhost = [b.example]", "smtpd_recipient_limit = 50");
        live.reload(reloaded, listeners(reloaded));

        assertThat(settings.of(FakeSessions.onListener(SUBMISSION))).isEqualTo("[b.example] 5");
        assertThat(settings.of(FakeSessions.onListener(2525))).isEqualTo("[b.example] 50");
    }

    @Test
    void theReloadBuildsTheNewSettingsOnceAndSessionsOfThatGenerationShareThem() throws Exception {
        MainCf start = mainCf();
        LiveConfiguration live = new LiveConfiguration(start, SmtpdListeners.none());
        PerListener<String> settings = relayhostAndLimit(live);
        assertThat(builds.get()).isEqualTo(1);

        live.reload(mainCf("relayhost = [b.example]"), SmtpdListeners.none());
        assertThat(builds.get()).isEqualTo(2);

        for (int i = 0; i < 3; i++) {
            assertThat(settings.of(FakeSessions.withAttachments())).isEqualTo("[b.example] 1000");
        }
        assertThat(builds.get()).isEqualTo(2);
    }

    @Test
    void settingsThatCannotBeBuiltRefuseTheReloadNamingTheListener() throws Exception {
        MainCf start = mainCf();
        LiveConfiguration live = new LiveConfiguration(start, listeners(start));
        PerListener<String> settings = relayhostAndLimit(live);

        MainCf broken = mainCf("relayhost = [b.example]");
        SmtpdListeners brokenListeners = new SmtpdListeners(List.of(new SmtpdListeners.Listener("submission", SUBMISSION,
            broken.withOverrides(Map.of("relayhost", "[broken.example]"), "smtpserver.xml: listener submission"))));

        assertThatThrownBy(() -> live.reload(broken, brokenListeners))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("listener submission")
            .hasMessageContaining("relayhost: cannot use [broken.example]");
        assertThat(settings.of(FakeSessions.withAttachments())).isEqualTo(" 1000");
    }

    @Test
    void aGenerationNothingPreparedIsBuiltLazilyAtTheFirstSessionThatUsesIt() throws Exception {
        AtomicReference<Generation> current = new AtomicReference<>(new Generation(0, mainCf(), SmtpdListeners.none()));
        List<Long> built = new ArrayList<>();
        PerListener<Long> settings = new PerListener<>(current::get, true, generation -> {
            built.add(generation.number());
            return new PerListener.Listeners<>(generation.number(), Map.of());
        });
        SMTPSession open = FakeSessions.withAttachments();
        assertThat(settings.of(open)).isZero();

        current.set(current.get().next(mainCf("relayhost = [b.example]"), SmtpdListeners.none()));
        assertThat(built).containsExactly(0L);

        assertThat(settings.of(FakeSessions.withAttachments())).isEqualTo(1L);
        assertThat(settings.of(FakeSessions.withAttachments())).isEqualTo(1L);
        assertThat(settings.of(open)).isZero();
        assertThat(built).containsExactly(0L, 1L);
    }

    @Test
    void withoutReloadsSessionsAreNotPinned() throws Exception {
        AtomicReference<Generation> current = new AtomicReference<>(new Generation(0, mainCf(), SmtpdListeners.none()));
        PerListener<Long> settings = new PerListener<>(current::get, false,
            generation -> new PerListener.Listeners<>(generation.number(), Map.of()));
        SMTPSession session = FakeSessions.withAttachments();
        assertThat(settings.of(session)).isZero();

        current.set(current.get().next(mainCf(), SmtpdListeners.none()));

        assertThat(settings.of(session)).isEqualTo(1L);
    }
}
