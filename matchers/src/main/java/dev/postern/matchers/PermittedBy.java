package dev.postern.matchers;

import java.util.Set;

import org.apache.james.domainlist.api.DomainList;

import dev.postern.PosternEnvironment;
import dev.postern.restrictions.Verdict;

/**
 * The matchers that return the recipients a restriction of the list explicitly permits
 * ({@code permit_mynetworks}, an access table {@code OK}, ...). Reaching the end of the list
 * without a decision is not a match: it accepts in smtpd, but nothing vouched for the recipient.
 */
abstract class PermittedBy extends RestrictionMatcher {
    private static final Set<Verdict.Result> PERMITTED = Set.of(Verdict.Result.PERMIT);

    PermittedBy(PosternEnvironment environment, DomainList domainList) {
        super(environment, domainList);
    }

    @Override
    protected final Set<Verdict.Result> matchedResults() {
        return PERMITTED;
    }
}
