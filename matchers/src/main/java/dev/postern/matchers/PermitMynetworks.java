package dev.postern.matchers;

import javax.inject.Inject;

import org.apache.james.domainlist.api.DomainList;

import dev.postern.PosternEnvironment;

/** {@code PermitMynetworks}: matches every recipient when the client is in {@code mynetworks}. */
public class PermitMynetworks extends PermittedBy {
    @Inject
    public PermitMynetworks(PosternEnvironment environment, DomainList domainList) {
        super(environment, domainList);
    }

    @Override
    protected String restrictions(String condition) {
        return noCondition(condition, "permit_mynetworks");
    }
}
