package dev.postern.matchers;

import javax.inject.Inject;

import org.apache.james.domainlist.api.DomainList;

import dev.postern.PosternEnvironment;

/** {@code PermitSaslAuthenticated}: matches every recipient when the client logged in with SMTP AUTH. */
public class PermitSaslAuthenticated extends PermittedBy {
    @Inject
    public PermitSaslAuthenticated(PosternEnvironment environment, DomainList domainList) {
        super(environment, domainList);
    }

    @Override
    protected String restrictions(String condition) {
        return noCondition(condition, "permit_sasl_authenticated");
    }
}
