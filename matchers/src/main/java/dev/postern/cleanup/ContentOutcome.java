package dev.postern.cleanup;


import java.util.List;
import java.util.Optional;

import dev.postern.restrictions.Reply;

/**
 * What header and body checks decided about one message.
 *
 * @param refusal the reply that refuses the message (REJECT, a lookup failure); when present,
 *                nothing else applies
 * @param hold    HOLD's text (possibly empty) when the message goes to the hold queue
 * @param discard DISCARD's text (possibly empty) when the message is accepted and dropped
 * @param filter  the {@code transport:destination} of the last FILTER: every recipient goes there
 * @param redirect the address of the last REDIRECT: it replaces every recipient
 * @param bcc     the addresses of BCC actions, each getting a copy
 * @param edits   changes to make to the message before it is queued
 */
public record ContentOutcome(Optional<Reply> refusal, Optional<String> hold, Optional<String> discard,
        Optional<String> filter, Optional<String> redirect, List<String> bcc, ContentEdits edits) {
    public ContentOutcome {
        bcc = List.copyOf(bcc);
    }
}
