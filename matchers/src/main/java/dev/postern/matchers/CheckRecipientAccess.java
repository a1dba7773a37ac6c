package dev.postern.matchers;

import javax.inject.Inject;

import org.apache.james.domainlist.api.DomainList;

import dev.postern.PosternEnvironment;

/**
 * {@code CheckRecipientAccess=hash:/etc/postern/recipient_access}: matches the recipients whose
 * access(5) result rejects or defers ({@code REJECT}, {@code 550 text}, {@code DEFER}, a
 * restriction that rejects, a failed lookup). {@code OK}, {@code DUNNO} and no entry do not match.
 */
public class CheckRecipientAccess extends RejectedBy {
    @Inject
    public CheckRecipientAccess(PosternEnvironment environment, DomainList domainList) {
        super(environment, domainList);
    }

    @Override
    protected String restrictions(String condition) {
        if (condition.isEmpty() || condition.indexOf(':') < 0) {
            throw new IllegalArgumentException("needs a type:name table, e.g. CheckRecipientAccess=hash:/etc/postern/access");
        }
        return "check_recipient_access " + condition;
    }
}
