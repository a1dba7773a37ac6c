package dev.postern.app.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Set;

import org.apache.james.core.Domain;
import org.apache.james.domainlist.api.DomainListException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PosternDomainListTest {
    @TempDir
    Path var;

    private PosternDomainList open() {
        return new PosternDomainList(Set.of(Domain.of("mx.example.com"), Domain.of("localhost")),
            Domain.of("mx.example.com"), var.resolve("store/domains"));
    }

    @Test
    void answersFromMydestinationAndStoredDomains() throws Exception {
        PosternDomainList list = open();
        list.addDomain(Domain.of("added.example.org"));

        assertThat(list.containsDomain(Domain.of("MX.example.com"))).isTrue();
        assertThat(list.containsDomain(Domain.of("added.example.org"))).isTrue();
        assertThat(list.containsDomain(Domain.of("other.example.org"))).isFalse();
        assertThat(list.getDomains()).containsExactly(Domain.of("localhost"), Domain.of("mx.example.com"),
            Domain.of("added.example.org"));
        assertThat(list.getDefaultDomain()).isEqualTo(Domain.of("mx.example.com"));
    }

    @Test
    void addedDomainsSurviveAReopen() throws Exception {
        open().addDomain(Domain.of("added.example.org"));

        assertThat(open().containsDomain(Domain.of("added.example.org"))).isTrue();
    }

    @Test
    void removedDomainsStayRemovedAfterAReopen() throws Exception {
        PosternDomainList list = open();
        list.addDomain(Domain.of("added.example.org"));
        list.removeDomain(Domain.of("added.example.org"));

        assertThat(open().containsDomain(Domain.of("added.example.org"))).isFalse();
    }

    @Test
    void mainCfDomainsCannotBeRemoved() {
        assertThatThrownBy(() -> open().removeDomain(Domain.of("localhost")))
            .isInstanceOf(DomainListException.class)
            .hasMessage("localhost is listed in main.cf (mydestination) and cannot be removed through WebAdmin");
    }

    @Test
    void duplicatesAreRefused() throws Exception {
        PosternDomainList list = open();
        list.addDomain(Domain.of("added.example.org"));

        assertThatThrownBy(() -> list.addDomain(Domain.of("added.example.org"))).hasMessage("added.example.org already exists");
        assertThatThrownBy(() -> list.addDomain(Domain.of("localhost"))).hasMessage("localhost already exists");
    }
}
