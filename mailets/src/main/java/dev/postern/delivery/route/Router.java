package dev.postern.delivery.route;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;

import dev.postern.tables.LookupException;

/** Gives each recipient its route (trivial-rewrite's resolve and transport(5)). */
@FunctionalInterface
public interface Router {
    /** @throws LookupException when a table needed to decide cannot be read: the caller defers */
    Route route(MailAddress recipient, MaybeSender sender) throws LookupException;
}
