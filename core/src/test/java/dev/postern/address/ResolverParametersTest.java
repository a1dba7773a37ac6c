package dev.postern.address;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.postern.config.MainCf;

class ResolverParametersTest {
    @Test
    void mainCfDefaultsArePostfixDefaults() throws Exception {
        ResolverParameters parameters = ResolverParameters.from(MainCf.parse("main.cf",
            List.of("myhostname = mx.example.com"), Map.of()));

        assertThat(parameters).isEqualTo(new ResolverParameters("mx.example.com", "example.com", "mx.example.com",
            true, true, true, true, false, false, false, false));
    }

    @Test
    void mainCfSettingsAreRead() throws Exception {
        ResolverParameters parameters = ResolverParameters.from(MainCf.parse("main.cf", List.of(
            "myhostname = mx.example.com", "myorigin = example.com", "allow_percent_hack = no",
            "swap_bangpath = no", "resolve_numeric_domain = yes"), Map.of()));

        assertThat(parameters.myorigin()).isEqualTo("example.com");
        assertThat(parameters.allowPercentHack()).isFalse();
        assertThat(parameters.swapBangpath()).isFalse();
        assertThat(parameters.resolveNumericDomain()).isTrue();
        assertThat(ResolverParameters.defaults("mx.example.com", "example.com")).isEqualTo(new ResolverParameters(
            "mx.example.com", "example.com", "mx.example.com", true, true, true, true, false, false, false, false));
    }
}
