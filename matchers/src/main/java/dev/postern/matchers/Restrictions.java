package dev.postern.matchers;

import javax.inject.Inject;

import org.apache.james.domainlist.api.DomainList;

import dev.postern.PosternEnvironment;

/**
 * {@code Restrictions=permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination}:
 * matches the recipients the restriction list (main.cf syntax, any restriction Postern's smtpd
 * implements) rejects or defers. A recipient the list permits, or that reaches the end of the
 * list, is not matched.
 */
public class Restrictions extends RejectedBy {
    @Inject
    public Restrictions(PosternEnvironment environment, DomainList domainList) {
        super(environment, domainList);
    }

    @Override
    protected String restrictions(String condition) {
        if (condition.isEmpty()) {
            throw new IllegalArgumentException("needs a restriction list, e.g. Restrictions=permit_mynetworks, reject");
        }
        return condition;
    }
}
