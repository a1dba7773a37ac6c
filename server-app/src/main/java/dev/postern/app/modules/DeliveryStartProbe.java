package dev.postern.app.modules;

import javax.inject.Inject;

import org.apache.james.utils.GuiceProbe;

import dev.postern.app.queue.FileMailQueueFactory;

/**
 * Lets the launcher start delivery from outside the injector once every component of the server is
 * started: James runs its spooler before the users repository is configured, so the queues wait
 * for this (see {@link dev.postern.app.queue.DeliveryStart}).
 */
public class DeliveryStartProbe implements GuiceProbe {
    private final FileMailQueueFactory queues;

    @Inject
    public DeliveryStartProbe(FileMailQueueFactory queues) {
        this.queues = queues;
    }

    public void startDelivery() {
        queues.startDelivery();
    }
}
