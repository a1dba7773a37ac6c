package dev.postern.matchers;

import javax.inject.Inject;

import org.apache.james.domainlist.api.DomainList;

import dev.postern.PosternEnvironment;

/**
 * {@code RestrictionsPermit=check_sender_access hash:/etc/postern/vip, permit_sasl_authenticated}:
 * matches the recipients for which a restriction of the list answers PERMIT. Recipients the list
 * rejects or defers, or that reach its end undecided, are not matched.
 */
public class RestrictionsPermit extends PermittedBy {
    @Inject
    public RestrictionsPermit(PosternEnvironment environment, DomainList domainList) {
        super(environment, domainList);
    }

    @Override
    protected String restrictions(String condition) {
        if (condition.isEmpty()) {
            throw new IllegalArgumentException("needs a restriction list, e.g. RestrictionsPermit=permit_mynetworks");
        }
        return condition;
    }
}
