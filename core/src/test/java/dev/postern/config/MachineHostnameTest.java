package dev.postern.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MachineHostnameTest {

    @ParameterizedTest(name = "{0} + {1} -> {2}")
    @CsvSource({
            "vm, localdomain, vm.localdomain",
            "vm, example.org, vm.example.org",
            "mx.example.com, localdomain, mx.example.com"})
    void aNameWithoutADotIsQualified(String name, String domain, String expected) {
        assertThat(MachineHostname.qualify(name, domain)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "mx.example.com, example.com",
            "example.com, com",
            "host, localdomain",
            "host., localdomain"})
    void parentDomain(String hostname, String expected) {
        assertThat(MachineHostname.parentDomain(hostname)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "mx.example.com, true",
            "vm, false",
            "localhost, false",
            "localhost.localdomain, false",
            "10.0.0.1, false",
            "fe80::1, false"})
    void onlyARealFqdnIsTakenFromTheResolver(String canonical, boolean usable) {
        assertThat(MachineHostname.isUsableFqdn(canonical)).isEqualTo(usable);
    }

    @ParameterizedTest(name = "machine {0}, mydomain [{1}] -> {2}")
    @CsvSource({
            "mx.example.com, '', mx.example.com",
            "mx.example.com, example.org, mx.example.com",
            "vm, '', vm.localdomain",
            "vm, example.org, vm.example.org"})
    void myhostnameDefault(String machine, String mydomain, String expected) {
        assertThat(MachineHostname.myhostnameDefault(new FakeContext(machine, mydomain))).isEqualTo(expected);
    }

    @Test
    void mydomainDefaultUsesTheEffectiveMyhostname() {
        DefaultContext context = new FakeContext("vm", "") {
            @Override
            public String expand(String name) {
                assertThat(name).isEqualTo("myhostname");
                return "relay.mx.example.net";
            }
        };

        assertThat(MachineHostname.mydomainDefault(context)).isEqualTo("mx.example.net");
    }

    /** A machine name, and an explicit mydomain unless empty; any other question fails the test. */
    private static class FakeContext implements DefaultContext {
        private final String machine;
        private final String mydomain;

        FakeContext(String machine, String mydomain) {
            this.machine = machine;
            this.mydomain = mydomain;
        }

        @Override
        public String machineHostname() {
            return machine;
        }

        @Override
        public String expand(String name) {
            // Only a dotless machine name needs mydomain, and only when it is set.
            assertThat(name).isEqualTo("mydomain");
            assertThat(machine).doesNotContain(".");
            assertThat(mydomain).isNotEmpty();
            return mydomain;
        }

        @Override
        public boolean isExplicit(String name) {
            assertThat(name).isEqualTo("mydomain");
            return !mydomain.isEmpty();
        }
    }

    @Test
    void lookupAnswersAName() {
        assertThat(MachineHostname.lookup()).isNotBlank().doesNotContain(" ");
    }
}
