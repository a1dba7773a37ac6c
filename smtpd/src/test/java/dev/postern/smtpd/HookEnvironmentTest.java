package dev.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.postern.config.ConfigException;
import dev.postern.config.LiveConfiguration;
import dev.postern.config.MainCf;
import dev.postern.config.SmtpdListeners;
import dev.postern.policy.TinyPolicyServer;
import dev.postern.restrictions.SmtpState;
import dev.postern.testing.FakeDomainList;
import dev.postern.testing.FakeUsersRepository;

/** One {@link SmtpdPolicy} per listener and configuration generation, shared by the hooks that judge with it. */
class HookEnvironmentTest {
    private static final int SUBMISSION = 2587;
    private static final int MX = 2525;

    private final FakeDomainList domains = new FakeDomainList("mx.example.com");
    private final FakeUsersRepository users = new FakeUsersRepository("bob@mx.example.com");
    private LiveConfiguration live;
    private HookEnvironment environment;

    private static MainCf mainCf(String... lines) throws ConfigException {
        return MainCf.parse("main.cf", List.of(lines), Map.of());
    }

    private static SmtpdListeners listeners(MainCf base) throws ConfigException {
        return new SmtpdListeners(List.of(new SmtpdListeners.Listener("submission", SUBMISSION,
            base.withOverrides(Map.of("smtpd_recipient_restrictions", "permit_sasl_authenticated, reject"),
                "smtpserver.xml: listener submission"))));
    }

    @BeforeEach
    void start() throws Exception {
        MainCf start = mainCf("myhostname = mx.example.com");
        live = new LiveConfiguration(start, listeners(start));
        environment = new HookEnvironment(start, null);
        environment.setListeners(live.current().listeners());
        environment.setLive(live);
    }

    private PerListener<SmtpdPolicy> restrictionsPolicies() throws Exception {
        return environment.policies(new BaseHierarchicalConfiguration(), new SmtpdRestrictionsHook(domains, users, environment),
            domains, users);
    }

    private PerListener<SmtpdPolicy> relayGuardPolicies() throws Exception {
        return environment.policies(new BaseHierarchicalConfiguration(), new RelayGuard(domains, users, environment),
            domains, users);
    }

    @Test
    void hooksOnTheSameListenerJudgeWithTheSamePolicy() throws Exception {
        PerListener<SmtpdPolicy> restrictions = restrictionsPolicies();
        PerListener<SmtpdPolicy> relayGuard = relayGuardPolicies();

        assertThat(relayGuard.of(FakeSessions.onListener(SUBMISSION))).isSameAs(restrictions.of(FakeSessions.onListener(SUBMISSION)));
        assertThat(relayGuard.of(FakeSessions.onListener(MX))).isSameAs(restrictions.of(FakeSessions.onListener(MX)));
        assertThat(restrictions.of(FakeSessions.onListener(SUBMISSION))).isNotSameAs(restrictions.of(FakeSessions.onListener(MX)));
    }

    @Test
    void aReloadGenerationBuildsANewPolicyThatAllHooksShare() throws Exception {
        PerListener<SmtpdPolicy> restrictions = restrictionsPolicies();
        PerListener<SmtpdPolicy> relayGuard = relayGuardPolicies();
        var openSession = FakeSessions.onListener(SUBMISSION);
        SmtpdPolicy before = restrictions.of(openSession);

        MainCf reloaded = mainCf("myhostname = mx.example.com", "smtpd_delay_reject = no");
        live.reload(reloaded, listeners(reloaded));

        SmtpdPolicy after = restrictions.of(FakeSessions.onListener(SUBMISSION));
        assertThat(after).isNotSameAs(before);
        assertThat(after.delayReject()).isFalse();
        assertThat(before.delayReject()).isTrue();
        assertThat(relayGuard.of(FakeSessions.onListener(SUBMISSION))).isSameAs(after);
        assertThat(relayGuard.of(openSession)).isSameAs(before);
    }

    @Test
    void aReplacedPolicyClosesItsIdlePolicyServiceConnectionsAndTheNewOneOpensItsOwn() throws Exception {
        try (TinyPolicyServer server = new TinyPolicyServer(request -> "DUNNO")) {
            MainCf start = mainCf("myhostname = mx.example.com", "smtpd_client_restrictions = check_policy_service " + server.spec());
            live.reload(start, SmtpdListeners.none());
            PerListener<SmtpdPolicy> restrictions = restrictionsPolicies();
            var openSession = FakeSessions.onListener(MX);
            SmtpState client = SmtpState.connect("localhost", InetAddress.getLoopbackAddress());
            restrictions.of(openSession).clientList().evaluate(client);
            assertThat(server.connections()).isEqualTo(1);

            MainCf reloaded = mainCf("myhostname = mx.example.com", "smtpd_client_restrictions = check_policy_service "
                + server.spec() + ", permit");
            live.reload(reloaded, SmtpdListeners.none());

            awaitClosedByClient(server, 1);
            restrictions.of(FakeSessions.onListener(MX)).clientList().evaluate(client);
            assertThat(server.connections()).isEqualTo(2);
            // The session of the old configuration is still answered, over a connection that is not kept.
            restrictions.of(openSession).clientList().evaluate(client);
            assertThat(server.connections()).isEqualTo(3);
            awaitClosedByClient(server, 2);

            live.retireCurrent();
            awaitClosedByClient(server, 3);
        }
    }

    private static void awaitClosedByClient(TinyPolicyServer server, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (server.closedByClient() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(server.closedByClient()).isEqualTo(count);
    }

    @Test
    void theReloadParsesThePolicyOnceForAllHooks() throws Exception {
        PerListener<SmtpdPolicy> restrictions = restrictionsPolicies();
        PerListener<SmtpdPolicy> relayGuard = relayGuardPolicies();
        PerListener<SmtpdPolicy> greeting = environment.policies(new BaseHierarchicalConfiguration(),
            new PosternWelcomeMessageHandler(domains, users, environment), domains, users);

        assertThat(relayGuard).isSameAs(restrictions).isSameAs(greeting);
    }

    @Test
    void aHookWithParametersOfItsOwnGetsItsOwnPolicy() throws Exception {
        BaseHierarchicalConfiguration own = new BaseHierarchicalConfiguration();
        own.addProperty("smtpd_relay_restrictions", "reject");
        PerListener<SmtpdPolicy> special = environment.policies(own, new RelayGuard(domains, users, environment), domains, users);

        assertThat(special.of(FakeSessions.onListener(MX))).isNotSameAs(restrictionsPolicies().of(FakeSessions.onListener(MX)));
        assertThat(special.of(FakeSessions.onListener(MX)).relayLists().get(0).words()).containsExactly("reject");
    }
}
