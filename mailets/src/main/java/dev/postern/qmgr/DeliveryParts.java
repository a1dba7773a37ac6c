package dev.postern.qmgr;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.postern.config.Generation;
import dev.postern.delivery.bounce.Notifications;
import dev.postern.log.MailLog;

/**
 * What {@link QueueManager} delivers a mail with, all built from one configuration generation:
 * routing and couriers, notifications, the retry schedule, the log and the {@code non_smtpd_milters}. Deliveries lease the parts;
 * once a reload retires them, their couriers' cached connections are closed when the last delivery
 * still using them is done, so a reload never cuts a transfer in progress.
 */
final class DeliveryParts {
    private static final Logger LOGGER = LoggerFactory.getLogger(DeliveryParts.class);

    private final Generation generation;
    private final MessageDelivery delivery;
    private final Notifications notifications;
    private final RetrySchedule schedule;
    private final MailLog mailLog;
    private final NonSmtpdMilters nonSmtpdMilters;
    private final List<AutoCloseable> closeables;
    private int leases;
    private boolean retired;
    private boolean closed;

    /** @param generation null for parts given by hand, which no reload replaces */
    DeliveryParts(Generation generation, MessageDelivery delivery, Notifications notifications, RetrySchedule schedule,
                  MailLog mailLog, NonSmtpdMilters nonSmtpdMilters, List<AutoCloseable> closeables) {
        this.generation = generation;
        this.delivery = delivery;
        this.notifications = notifications;
        this.schedule = schedule;
        this.mailLog = mailLog;
        this.nonSmtpdMilters = nonSmtpdMilters;
        this.closeables = List.copyOf(closeables);
    }

    Generation generation() {
        return generation;
    }

    MessageDelivery delivery() {
        return delivery;
    }

    Notifications notifications() {
        return notifications;
    }

    RetrySchedule schedule() {
        return schedule;
    }

    MailLog mailLog() {
        return mailLog;
    }

    NonSmtpdMilters nonSmtpdMilters() {
        return nonSmtpdMilters;
    }

    synchronized void acquire() {
        leases++;
    }

    void release() {
        boolean close;
        synchronized (this) {
            leases--;
            close = retired && leases == 0;
        }
        if (close) {
            close();
        }
    }

    /** No new delivery will lease these parts; they close when the current ones are done. */
    void retire() {
        boolean close;
        synchronized (this) {
            retired = true;
            close = leases == 0;
        }
        if (close) {
            close();
        }
    }

    synchronized boolean isClosed() {
        return closed;
    }

    private void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        for (AutoCloseable closeable : closeables) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOGGER.warn("cannot close {}", closeable, e);
            }
        }
    }
}
