package dev.postern.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.postern.queue.MailAttributes;

class AccessActionsTest {
    private final AccessActions mailet = new AccessActions();

    @BeforeEach
    void init() throws MessagingException {
        mailet.init(FakeMailetConfig.builder().mailetName("AccessActions").build());
    }

    private static FakeMail mail(String... recipients) throws MessagingException {
        return FakeMail.builder().name("Q1").sender("alice@client.example").recipients(recipients).build();
    }

    private static Attribute bcc(String... addresses) {
        List<AttributeValue<?>> values = java.util.Arrays.stream(addresses).<AttributeValue<?>>map(AttributeValue::of).toList();
        return new Attribute(MailAttributes.BCC, AttributeValue.of(values));
    }

    @Test
    void redirectReplacesEveryRecipient() throws Exception {
        FakeMail mail = mail("a@x.example", "b@x.example");
        mail.setAttribute(new Attribute(MailAttributes.REDIRECT, AttributeValue.of("c@y.example")));

        mailet.service(mail);

        assertThat(mail.getRecipients()).containsExactly(new MailAddress("c@y.example"));
        assertThat(mail.getAttribute(MailAttributes.REDIRECT)).isEmpty();
    }

    @Test
    void bccAddsEachAddressOnce() throws Exception {
        FakeMail mail = mail("a@x.example");
        mail.setAttribute(bcc("archive@y.example", "a@x.example", "archive@y.example"));

        mailet.service(mail);

        assertThat(mail.getRecipients()).containsExactly(new MailAddress("a@x.example"), new MailAddress("archive@y.example"));
        assertThat(mail.getAttribute(MailAttributes.BCC)).isEmpty();
    }

    @Test
    void redirectAndBccTogetherKeepTheBcc() throws Exception {
        FakeMail mail = mail("a@x.example");
        mail.setAttribute(new Attribute(MailAttributes.REDIRECT, AttributeValue.of("c@y.example")));
        mail.setAttribute(bcc("archive@y.example"));

        mailet.service(mail);

        assertThat(mail.getRecipients()).containsExactly(new MailAddress("c@y.example"), new MailAddress("archive@y.example"));
    }

    @Test
    void aMailWithoutActionsIsLeftAlone() throws Exception {
        FakeMail mail = mail("a@x.example", "b@x.example");

        mailet.service(mail);

        assertThat(mail.getRecipients()).containsExactly(new MailAddress("a@x.example"), new MailAddress("b@x.example"));
    }

    @Test
    void anUnparsableAddressIsAnErrorNamingTheMail() throws Exception {
        FakeMail mail = mail("a@x.example");
        mail.setAttribute(new Attribute(MailAttributes.REDIRECT, AttributeValue.of("bad address@@y")));

        assertThatThrownBy(() -> mailet.service(mail)).isInstanceOf(MessagingException.class)
            .hasMessageStartingWith("Q1: access(5) REDIRECT/BCC address \"bad address@@y\" is not a valid address");
    }
}
