/**
 * Postern's durable mail queue: James's {@code ManageableMailQueue} kept as files, the way Postfix keeps
 * its queue, under one directory ({@code var/queue/}).
 *
 * <ul>
 * <li>{@link dev.postern.app.queue.FileMailQueueFactory} opens the directory, recovers it and hands out
 * one {@link dev.postern.app.queue.FileMailQueue} per name.</li>
 * <li>Every queue writes to one append-only log of segment files ({@code segments/<n>.seg},
 * {@link dev.postern.app.queue.QueueJournal}): a queued mail is a CONTENT record (the message) and a
 * PUT record (its envelope, JSON, see {@code EnvelopeCodec}) written together; moving an unchanged mail
 * to another queue writes only a PUT; completing it appends a REMOVE.</li>
 * <li>An enqueue returns once an fdatasync that started after its write has finished; concurrent
 * enqueues share it (group commit). Removals and retries are not forced. Dead segments are deleted
 * oldest first, and old ones kept alive by a few long-deferred mails are compacted.</li>
 * </ul>
 */
package dev.postern.app.queue;
