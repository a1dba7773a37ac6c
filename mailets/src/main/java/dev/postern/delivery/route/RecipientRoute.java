package dev.postern.delivery.route;

import dev.postern.address.AddressClass;

/**
 * What trivial-rewrite answers for one recipient: the route its mail takes, and the address class
 * of its domain (which decides, among other things, the table of valid recipients and whether a
 * bounce for it is a local matter).
 */
public record RecipientRoute(Route route, AddressClass addressClass) {
    public RecipientRoute {
        if (route == null || addressClass == null) {
            throw new IllegalArgumentException("a recipient route needs a route and an address class");
        }
    }
}
