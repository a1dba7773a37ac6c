package dev.postern.delivery.smtp;

import static dev.postern.delivery.smtp.Fixtures.parameters;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class TlsPolicyTest {
    private static final String WHERE = "smtp_tls_policy_maps: hash:/etc/postfix/tls_policy: \"example.com\"";

    private static TlsSettings settings(String... mainCf) throws Exception {
        return TlsSettings.from(parameters(mainCf));
    }

    private static TlsPolicy parse(String value, String... mainCf) throws Exception {
        return TlsPolicy.parse(value, WHERE, settings(mainCf)::defaultPolicy);
    }

    @Test
    void aLevelAloneTakesMainCfsDefaultsOfThatLevel() throws Exception {
        assertThat(parse("verify").match()).containsExactly("hostname");
        assertThat(parse("secure").match()).containsExactly("nexthop", "dot-nexthop");
        assertThat(parse("secure", "smtp_tls_secure_cert_match = nexthop").match()).containsExactly("nexthop");
        assertThat(parse("fingerprint", "smtp_tls_fingerprint_cert_match = AA:BB, CC:DD").match())
            .containsExactly("AA:BB", "CC:DD");
        assertThat(parse("may").match()).isEmpty();
    }

    @Test
    void matchIsColonSeparatedForVerifyAndSecureAndBarSeparatedForFingerprint() throws Exception {
        assertThat(parse("secure match=nexthop:.example.net:mx.example.org").match())
            .containsExactly("nexthop", ".example.net", "mx.example.org");
        assertThat(parse("fingerprint match=3D:95:34:51|1A:2B:3C:4D").match()).containsExactly("3D:95:34:51", "1A:2B:3C:4D");
        assertThat(parse("fingerprint match=3D:95 match=1A:2B").match()).as("repeated match= add up")
            .containsExactly("3D:95", "1A:2B");
    }

    @Test
    void attributesOverrideMainCf() throws Exception {
        TlsPolicy policy = parse("encrypt protocols=>=TLSv1.2 ciphers=high exclude=3DES:RC4 servername=mx.example.com",
            "smtp_tls_mandatory_exclude_ciphers = MD5");
        assertThat(policy.level()).isEqualTo(TlsLevel.ENCRYPT);
        assertThat(policy.protocols()).isEqualTo(">=TLSv1.2");
        assertThat(policy.ciphers()).isEqualTo("high");
        assertThat(policy.exclude()).containsExactly("3DES", "RC4");
        assertThat(policy.servername()).isEqualTo("mx.example.com");
    }

    @Test
    void mandatoryParametersApplyToTheLevelsThatRequireTls() throws Exception {
        TlsSettings settings = settings("smtp_tls_protocols = !SSLv3", "smtp_tls_mandatory_protocols = >=TLSv1.2",
            "smtp_tls_exclude_ciphers = RC4", "smtp_tls_mandatory_exclude_ciphers = 3DES");
        assertThat(settings.defaultPolicy(TlsLevel.MAY).protocols()).isEqualTo("!SSLv3");
        assertThat(settings.defaultPolicy(TlsLevel.MAY).exclude()).containsExactly("RC4");
        assertThat(settings.defaultPolicy(TlsLevel.VERIFY).protocols()).isEqualTo(">=TLSv1.2");
        assertThat(settings.defaultPolicy(TlsLevel.VERIFY).exclude()).containsExactly("RC4", "3DES");
    }

    @Test
    void everyLevelParsesIncludingDane() throws Exception {
        for (TlsLevel level : TlsLevel.values()) {
            assertThat(parse(level.keyword()).level()).isEqualTo(level);
        }
        assertThat(parse("dane tafile=/etc/postfix/ta.pem").level()).isEqualTo(TlsLevel.DANE);
    }

    @Test
    void mistakesNameTheEntry() {
        assertThatThrownBy(() -> parse("paranoid")).hasMessage(WHERE + ": unknown TLS security level \"paranoid\""
            + " (expected none, may, dane, dane-only, fingerprint, encrypt, verify or secure)");
        assertThatThrownBy(() -> parse("verify mtach=hostname")).hasMessage(WHERE + ": unknown attribute \"mtach\""
            + " (expected match, servername, ciphers, protocols, exclude)");
        assertThatThrownBy(() -> parse("verify hostname")).hasMessage(WHERE + ": \"hostname\" is not name=value");
        assertThatThrownBy(() -> parse("encrypt protocols=TLSv9")).hasMessageStartingWith(WHERE
            + ": protocols: unknown TLS protocol \"TLSv9\"");
        assertThatThrownBy(() -> parse("encrypt ciphers=strong")).hasMessage(WHERE
            + ": ciphers: unknown cipher grade \"strong\" (expected export, low, medium or high)");
        assertThatThrownBy(() -> parse(" ")).hasMessage(WHERE + ": empty TLS policy");
    }

    @Test
    void badMainCfValuesNameTheParameter() {
        assertThatThrownBy(() -> settings("smtp_tls_fingerprint_digest = sha3")).hasMessageStartingWith(
            "smtp_tls_fingerprint_digest: unknown digest \"sha3\"");
        assertThatThrownBy(() -> settings("smtp_tls_protocols = >=TLSv2")).hasMessageStartingWith(
            "smtp_tls_protocols: unknown TLS protocol \"TLSv2\"");
        assertThatThrownBy(() -> settings("smtp_tls_mandatory_ciphers = null")).hasMessage(
            "smtp_tls_mandatory_ciphers: \"null\" (ciphers without encryption) is not supported");
    }

    @Test
    void theSniNameIsTheServersHostNameUnlessTheServernameIsExplicit() {
        Target target = Target.tcp("mx.example.com", "192.0.2.1", 25, "example.com");
        TlsPolicy policy = TlsPolicy.of(TlsLevel.VERIFY);
        assertThat(policy.sniName(target)).isEqualTo(Optional.of("mx.example.com"));
        TlsPolicy hostname = new TlsPolicy(TlsLevel.VERIFY, List.of(), "hostname", "medium", ">=TLSv1", List.of());
        assertThat(hostname.sniName(target)).isEqualTo(Optional.of("mx.example.com"));
        TlsPolicy explicit = new TlsPolicy(TlsLevel.VERIFY, List.of(), "smtp.example.net", "medium", ">=TLSv1", List.of());
        assertThat(explicit.sniName(target)).isEqualTo(Optional.of("smtp.example.net"));
    }

    /** The session cache's key holds this text; it must tell every field apart as the record's own form did. */
    @Test
    void printsAsTheRecordWouldEveryFieldNamed() {
        TlsPolicy policy = new TlsPolicy(TlsLevel.VERIFY, List.of("hostname", "nexthop"), "smtp.example.net", "medium", ">=TLSv1.2",
            List.of("aNULL"));

        assertThat(policy).hasToString("TlsPolicy[level=" + TlsLevel.VERIFY + ", match=[hostname, nexthop], servername=smtp.example.net,"
            + " ciphers=medium, protocols=>=TLSv1.2, exclude=[aNULL]]");
        assertThat(policy.withLevel(TlsLevel.ENCRYPT).toString()).isNotEqualTo(policy.toString());
    }
}
