package dev.postern.app.control;

import java.util.LinkedHashSet;
import java.util.Set;

import dev.postern.queue.QueueIdGenerator;

/**
 * Which messages a queue command acts on: every one ({@code ALL}) or those with the given queue IDs.
 * A mail is matched by the queue ID its name starts with, so that the copies a message was split
 * into by route ({@code QID-to-domain}) go together, as Postfix's one queue file would.
 */
public record QueueSelection(boolean all, Set<String> queueIds) {
    public static final String ALL = "ALL";

    public QueueSelection {
        queueIds = Set.copyOf(queueIds);
    }

    public static QueueSelection of(Iterable<String> operands) {
        LinkedHashSet<String> ids = new LinkedHashSet<>();
        boolean all = false;
        for (String operand : operands) {
            if (operand.equals(ALL)) {
                all = true;
            } else if (QueueIdGenerator.isQueueId(operand)) {
                ids.add(operand);
            } else {
                throw new IllegalArgumentException("\"" + operand + "\" is not a queue ID (10 to 12 upper-case hex digits) or ALL");
            }
        }
        if (!all && ids.isEmpty()) {
            throw new IllegalArgumentException("no queue ID given (a queue ID or ALL)");
        }
        return new QueueSelection(all, ids);
    }

    public boolean matches(String mailName) {
        return all || queueIds.contains(QueueIdGenerator.queueIdOf(mailName));
    }

}
