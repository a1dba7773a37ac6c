package dev.postern.app;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;

import dev.postern.app.queue.QueueCat;

/**
 * {@code postern cat QID}: Postfix's {@code postcat -q}. Prints the envelope and the message of the queued
 * mail with that queue ID, read from the queue's segments under {@code var/queue/} (the server need not
 * run). Exit status 0 when found, 1 when no queued mail has that ID or the queue cannot be read.
 */
final class CatCommand {
    static final String USAGE = "usage: postern cat QUEUE_ID";

    private final PosternHome home;
    private final PrintStream out;
    private final PrintStream err;

    CatCommand(PosternHome home, PrintStream out, PrintStream err) {
        this.home = home;
        this.out = out;
        this.err = err;
    }

    int run(List<String> arguments) {
        if (arguments.size() != 1 || arguments.get(0).startsWith("-")) {
            throw new IllegalArgumentException(USAGE);
        }
        String queueId = arguments.get(0);
        try {
            if (new QueueCat(home.var().resolve("queue")).print(queueId, out) == 0) {
                err.println("postern: cat: no queued mail with queue ID " + queueId + " in " + home.var().resolve("queue"));
                return 1;
            }
            return 0;
        } catch (IOException e) {
            err.println("postern: cat: cannot read the queue " + home.var().resolve("queue") + ": " + e.getMessage());
            return 1;
        }
    }
}
