package dev.postern.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.postern.PosternEnvironment;

class LiveConfigurationTest {
    private static MainCf mainCf(String... lines) throws ConfigException {
        return MainCf.parse("main.cf", List.of(lines), Map.of());
    }

    @Test
    void startsAtGenerationZeroWithTheConfigurationGiven() throws Exception {
        MainCf start = mainCf("relayhost = [a.example]");
        LiveConfiguration live = new LiveConfiguration(start, SmtpdListeners.none());

        assertThat(live.current().number()).isZero();
        assertThat(live.current().mainCf()).isSameAs(start);
    }

    @Test
    void aReloadSwapsInTheNextGenerationAfterEveryComponentPreparedForIt() throws Exception {
        LiveConfiguration live = new LiveConfiguration(mainCf("relayhost = [a.example]"), SmtpdListeners.none());
        List<String> prepared = new ArrayList<>();
        Generation before = live.current();
        live.register(candidate -> {
            // while components prepare, the running generation is still the old one
            assertThat(live.current()).isSameAs(before);
            prepared.add("first " + candidate.mainCf().get("relayhost"));
        });
        live.register(candidate -> prepared.add("second " + candidate.number()));

        Generation after = live.reload(mainCf("relayhost = [b.example]"), SmtpdListeners.none());

        assertThat(prepared).containsExactly("first [b.example]", "second 1");
        assertThat(after.number()).isEqualTo(1);
        assertThat(live.current()).isSameAs(after);
        assertThat(live.current().mainCf().get("relayhost")).isEqualTo("[b.example]");
    }

    @Test
    void aComponentThatCannotPrepareRefusesTheReloadAndTheRunningGenerationStays() throws Exception {
        LiveConfiguration live = new LiveConfiguration(mainCf("relayhost = [a.example]"), SmtpdListeners.none());
        Generation before = live.current();
        List<Long> laterComponent = new ArrayList<>();
        live.register(candidate -> {
            throw new ConfigException("smtpd_recipient_restrictions: unknown restriction \"reject_evrything\"");
        });
        live.register(candidate -> laterComponent.add(candidate.number()));

        assertThatThrownBy(() -> live.reload(mainCf("relayhost = [b.example]"), SmtpdListeners.none()))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("reject_evrything");
        assertThat(live.current()).isSameAs(before);
        assertThat(laterComponent).isEmpty();
        assertThat(live.current().mainCf().get("relayhost")).isEqualTo("[a.example]");
    }

    @Test
    void generationsNumberOnePerSuccessfulReload() throws Exception {
        LiveConfiguration live = new LiveConfiguration(mainCf(), SmtpdListeners.none());
        boolean[] refuse = {false};
        live.register(candidate -> {
            if (refuse[0]) {
                throw new ConfigException("refused");
            }
        });
        live.reload(mainCf("relayhost = [b.example]"), SmtpdListeners.none());
        refuse[0] = true;
        assertThatThrownBy(() -> live.reload(mainCf("relayhost = [c.example]"), SmtpdListeners.none()))
            .isInstanceOf(ConfigException.class);
        refuse[0] = false;

        assertThat(live.reload(mainCf("relayhost = [d.example]"), SmtpdListeners.none()).number()).isEqualTo(2);
    }

    @Test
    void theEnvironmentGivesTheCurrentGenerationsParameters() throws Exception {
        LiveConfiguration live = new LiveConfiguration(mainCf("relayhost = [a.example]"), SmtpdListeners.none());
        PosternEnvironment environment = new PosternEnvironment(live.current().mainCf(), null);
        environment.setLive(live);
        List<Long> prepared = new ArrayList<>();
        environment.registerReloadable(candidate -> prepared.add(candidate.number()));

        live.reload(mainCf("relayhost = [b.example]"), SmtpdListeners.none());

        assertThat(prepared).containsExactly(1L);
        assertThat(environment.generation()).isSameAs(live.current());
        assertThat(environment.parameters(name -> java.util.Optional.empty(), "test").get("relayhost"))
            .isEqualTo("[b.example]");
    }

    @Test
    void withoutALiveConfigurationTheEnvironmentStaysAtOneGenerationZero() throws Exception {
        PosternEnvironment environment = new PosternEnvironment(mainCf("relayhost = [a.example]"), null);
        environment.registerReloadable(candidate -> {
            throw new AssertionError("nothing reloads here");
        });

        assertThat(environment.reloads()).isFalse();
        assertThat(environment.generation()).isSameAs(environment.generation());
        assertThat(environment.generation().number()).isZero();
    }
}
