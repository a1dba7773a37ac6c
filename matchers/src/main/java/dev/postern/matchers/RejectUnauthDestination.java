package dev.postern.matchers;

import javax.inject.Inject;

import org.apache.james.domainlist.api.DomainList;

import dev.postern.PosternEnvironment;

/**
 * {@code RejectUnauthDestination}: matches the recipients that are no authorized destination
 * (neither a final-destination class nor {@code relay_domains}, or with sender-specified
 * routing), whoever the client is. Combine with {@link PermitMynetworks} or use
 * {@link Restrictions} for the usual "unless the client may relay".
 */
public class RejectUnauthDestination extends RejectedBy {
    @Inject
    public RejectUnauthDestination(PosternEnvironment environment, DomainList domainList) {
        super(environment, domainList);
    }

    @Override
    protected String restrictions(String condition) {
        return noCondition(condition, "reject_unauth_destination");
    }
}
