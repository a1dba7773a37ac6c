package com.example.policy;

import java.util.Collection;
import java.util.List;

import javax.mail.MessagingException;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

/**
 * Matches every recipient of a mail whose envelope sender is in the domain given as the
 * condition: {@code match="com.example.policy.SenderDomainIs=policy.example"}. Mail with the
 * null sender (bounces) never matches.
 */
public class SenderDomainIs extends GenericMatcher {
    private Domain domain;

    @Override
    public void init() throws MessagingException {
        String condition = getCondition();
        if (condition == null || condition.isBlank()) {
            throw new MessagingException(getMatcherName() + ": a domain is required, e.g. SenderDomainIs=example.com");
        }
        domain = Domain.of(condition.strip());
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        return mail.getMaybeSender().asOptional()
            .filter(sender -> sender.getDomain().equals(domain))
            .map(sender -> mail.getRecipients())
            .orElse(List.of());
    }

    @Override
    public String getMatcherInfo() {
        return "Site policy: sender domain is " + domain;
    }
}
