package dev.postern.matchers;

import java.util.Set;

import org.apache.james.domainlist.api.DomainList;

import dev.postern.PosternEnvironment;
import dev.postern.restrictions.Verdict;

/**
 * The matchers that return the recipients a restriction list refuses: REJECT, and DEFER (a
 * deferral, including a failed table lookup, is no permission either, so such recipients go
 * the same way as rejected ones unless a pipeline tells them apart with another matcher).
 */
abstract class RejectedBy extends RestrictionMatcher {
    private static final Set<Verdict.Result> REFUSED = Set.of(Verdict.Result.REJECT, Verdict.Result.DEFER);

    RejectedBy(PosternEnvironment environment, DomainList domainList) {
        super(environment, domainList);
    }

    @Override
    protected final Set<Verdict.Result> matchedResults() {
        return REFUSED;
    }
}
