package dev.postern.matchers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.PosternEnvironment;
import dev.postern.config.MainCf;
import dev.postern.testing.FakeDomainList;

class RestrictionMatchersTest {
    private static final List<String> MAIN_CF = List.of(
        "myhostname = mx.example.com",
        "mydestination = example.com",
        "relay_domains = relay.example.org",
        "mynetworks = 192.0.2.0/24");
    private static final String INSIDE = "192.0.2.7";
    private static final String OUTSIDE = "198.51.100.9";

    @TempDir
    Path dir;

    private final FakeDomainList domainList = new FakeDomainList("added.example.net");

    @Test
    void restrictionsMatchesTheRecipientsTheListRejects() throws Exception {
        RestrictionMatcher matcher = init(new Restrictions(environment(), domainList),
            "permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination");

        Mail outsider = mail(OUTSIDE, "u@example.com", "v@relay.example.org", "w@added.example.net", "x@elsewhere.test");

        assertThat(addresses(matcher.match(outsider))).containsExactly("x@elsewhere.test");
        assertThat(matcher.match(mail(INSIDE, "x@elsewhere.test"))).isEmpty();
    }

    @Test
    void theSaslLoginJamesRecordsOnTheMailGrantsRelay() throws Exception {
        RestrictionMatcher matcher = init(new Restrictions(environment(), domainList),
            "permit_sasl_authenticated, reject_unauth_destination");
        Mail mail = mail(OUTSIDE, "x@elsewhere.test");
        mail.setAttribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of("alice")));

        assertThat(matcher.match(mail)).isEmpty();
    }

    @Test
    void senderSpecifiedRoutingIsNoAuthorizedDestination() throws Exception {
        RestrictionMatcher matcher = init(new RejectUnauthDestination(environment(), domainList), null);

        assertThat(addresses(matcher.match(mail(OUTSIDE, "victim%elsewhere.test@example.com", "u@example.com"))))
            .containsExactly("victim%elsewhere.test@example.com");
    }

    @Test
    void rejectUnauthDestinationIgnoresTheClient() throws Exception {
        RestrictionMatcher matcher = init(new RejectUnauthDestination(environment(), domainList), "");

        assertThat(addresses(matcher.match(mail(INSIDE, "x@elsewhere.test", "u@example.com"))))
            .containsExactly("x@elsewhere.test");
    }

    @Test
    void deferredRecipientsMatchToo() throws Exception {
        RestrictionMatcher matcher = init(new Restrictions(environment(), domainList), "defer");

        assertThat(addresses(matcher.match(mail(INSIDE, "u@example.com")))).containsExactly("u@example.com");
    }

    @Test
    void aDomainListFailureDefersInsteadOfPermitting() throws Exception {
        RestrictionMatcher matcher = init(new Restrictions(environment(), domainList.failing()),
            "reject_unauth_destination");

        assertThat(addresses(matcher.match(mail(OUTSIDE, "w@added.example.net")))).containsExactly("w@added.example.net");
    }

    @Test
    void restrictionsPermitMatchesOnlyExplicitPermits() throws Exception {
        RestrictionMatcher matcher = init(new RestrictionsPermit(environment(), domainList),
            "check_recipient_access inline:{vip@example.com=OK, bad@example.com=REJECT}");

        assertThat(addresses(matcher.match(mail(OUTSIDE, "vip@example.com", "bad@example.com", "u@example.com"))))
            .containsExactly("vip@example.com");
    }

    @Test
    void permitMynetworksMatchesEveryRecipientOfAMynetworksClient() throws Exception {
        RestrictionMatcher matcher = init(new PermitMynetworks(environment(), domainList), null);

        assertThat(addresses(matcher.match(mail(INSIDE, "a@example.com", "b@elsewhere.test"))))
            .containsExactly("a@example.com", "b@elsewhere.test");
        assertThat(matcher.match(mail(OUTSIDE, "a@example.com"))).isEmpty();
    }

    @Test
    void mailWithoutAClientIsTheServersOwnAndComesFromLoopback() throws Exception {
        PosternEnvironment loopback = new PosternEnvironment(
            MainCf.parse("main.cf", List.of("mynetworks = 127.0.0.0/8"), Map.of()), null);
        RestrictionMatcher matcher = init(new PermitMynetworks(loopback, domainList), null);
        Mail bounce = FakeMail.builder().name("bounce").recipient("a@example.com").build();

        assertThat(matcher.match(bounce)).hasSize(1);
    }

    @Test
    void permitSaslAuthenticatedNeedsTheLogin() throws Exception {
        RestrictionMatcher matcher = init(new PermitSaslAuthenticated(environment(), domainList), null);
        Mail anonymous = mail(OUTSIDE, "a@example.com");
        Mail loggedIn = mail(OUTSIDE, "a@example.com");
        loggedIn.setAttribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of("alice")));

        assertThat(matcher.match(anonymous)).isEmpty();
        assertThat(matcher.match(loggedIn)).hasSize(1);
    }

    @Test
    void checkRecipientAccessMatchesRejectingEntries() throws Exception {
        Path access = dir.resolve("recipient_access");
        Files.writeString(access, "gone@example.com   550 5.1.1 moved away\nfull@example.com DEFER\nok@example.com OK\n");
        RestrictionMatcher matcher = init(new CheckRecipientAccess(environment(), domainList), "texthash:" + access);

        assertThat(addresses(matcher.match(mail(INSIDE, "gone@example.com", "full@example.com", "ok@example.com",
            "other@example.com")))).containsExactly("gone@example.com", "full@example.com");
    }

    @Test
    void theHeloNameJamesRecordsIsChecked() throws Exception {
        RestrictionMatcher matcher = init(new Restrictions(environment(), domainList), "reject_non_fqdn_helo_hostname");
        Mail plainHelo = mail(OUTSIDE, "a@example.com");
        plainHelo.setAttribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("laptop")));
        Mail fqdnHelo = mail(OUTSIDE, "a@example.com");
        fqdnHelo.setAttribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("laptop.example.org")));

        assertThat(matcher.match(plainHelo)).hasSize(1);
        assertThat(matcher.match(fqdnHelo)).isEmpty();
    }

    @Test
    void aBadListIsAnInitErrorNamingTheMatcherAndCondition() {
        assertThatThrownBy(() -> init(new Restrictions(environment(), domainList), "permit_mynetworks, bogus_word"))
            .isInstanceOf(MessagingException.class)
            .hasMessageContaining("Restrictions")
            .hasMessageContaining("bogus_word");
        assertThatThrownBy(() -> init(new Restrictions(environment(), domainList), null))
            .isInstanceOf(MessagingException.class)
            .hasMessageContaining("needs a restriction list");
        assertThatThrownBy(() -> init(new PermitMynetworks(environment(), domainList), "reject"))
            .isInstanceOf(MessagingException.class)
            .hasMessageContaining("PermitMynetworks")
            .hasMessageContaining("takes no condition");
        assertThatThrownBy(() -> init(new CheckRecipientAccess(environment(), domainList), "hash:" + dir.resolve("none")))
            .isInstanceOf(MessagingException.class)
            .hasMessageContaining("CheckRecipientAccess");
    }

    @Test
    void restrictionsThatNeedTheSessionAreRefused() {
        assertThatThrownBy(() -> init(new Restrictions(environment(), domainList), "reject_plaintext_session"))
            .isInstanceOf(MessagingException.class)
            .hasMessageContaining("reject_plaintext_session");
    }

    @Test
    void outsidePosternTheSystemPropertyNamesMainCf() throws Exception {
        PosternEnvironment stock = new PosternEnvironment();
        String previous = System.getProperty(RestrictionMatcher.MAIN_CF_PROPERTY);
        try {
            System.clearProperty(RestrictionMatcher.MAIN_CF_PROPERTY);
            assertThatThrownBy(() -> init(new PermitMynetworks(stock, domainList), null))
                .isInstanceOf(MessagingException.class)
                .hasMessageContaining(RestrictionMatcher.MAIN_CF_PROPERTY);

            Path mainCf = dir.resolve("main.cf");
            Files.write(mainCf, MAIN_CF);
            System.setProperty(RestrictionMatcher.MAIN_CF_PROPERTY, mainCf.toString());
            RestrictionMatcher matcher = init(new PermitMynetworks(stock, domainList), null);
            assertThat(matcher.match(mail(INSIDE, "a@example.com"))).hasSize(1);
        } finally {
            if (previous == null) {
                System.clearProperty(RestrictionMatcher.MAIN_CF_PROPERTY);
            } else {
                System.setProperty(RestrictionMatcher.MAIN_CF_PROPERTY, previous);
            }
        }
    }

    private PosternEnvironment environment() {
        try {
            return new PosternEnvironment(MainCf.parse("main.cf", MAIN_CF, Map.of()), null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static RestrictionMatcher init(RestrictionMatcher matcher, String condition) throws MessagingException {
        String name = matcher.getClass().getSimpleName();
        matcher.init(FakeMatcherConfig.builder().matcherName(name).condition(condition)
            .mailetContext(FakeMailContext.defaultContext()).build());
        return matcher;
    }

    private static Mail mail(String client, String... recipients) throws MessagingException {
        return FakeMail.builder().name("m1").sender("sender@outside.test").recipients(recipients)
            .remoteAddr(client).remoteHost(client).build();
    }

    private static List<String> addresses(Collection<MailAddress> matched) {
        return matched.stream().map(MailAddress::asString).toList();
    }
}
