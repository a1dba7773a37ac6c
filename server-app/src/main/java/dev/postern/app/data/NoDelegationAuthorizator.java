package dev.postern.app.data;

import org.apache.james.core.Username;
import org.apache.james.mailbox.Authorizator;

/**
 * SMTP AUTH in an MTA without mailboxes: a user may only log in as itself. James's SMTP
 * AUTH hook needs an Authorizator; the mailbox one would pull in a mailbox store.
 */
public class NoDelegationAuthorizator implements Authorizator {
    @Override
    public AuthorizationState canLoginAsOtherUser(Username userId, Username otherUserId) {
        return userId.equals(otherUserId) ? AuthorizationState.ALLOWED : AuthorizationState.FORBIDDEN;
    }
}
