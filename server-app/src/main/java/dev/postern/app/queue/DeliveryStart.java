package dev.postern.app.queue;

/**
 * When a factory's queues begin to hand mail to their consumers. In the server, mail recovered from
 * disk is ready the moment the queue exists, but James starts the spooler among the first of its
 * components, before the users repository and the domain list are configured: a lookup made then
 * finds no user, and the mail would bounce {@code 5.1.1 unknown user}. So the server's queues hold
 * their mail until the launcher says the whole server is up; mail is accepted and stored meanwhile.
 */
public enum DeliveryStart {
    /** Consumers get mail as soon as they ask: for a queue used on its own (tests, tools). */
    AT_ONCE,
    /** Consumers get nothing until {@link FileMailQueueFactory#startDelivery()}: the server's queues. */
    WHEN_SERVER_STARTED
}
