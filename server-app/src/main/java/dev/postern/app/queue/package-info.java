/**
 * Postern's durable mail queue: James's {@code ManageableMailQueue} kept as files, the way Postfix keeps
 * its queue, under one directory ({@code var/queue/}).
 *
 * <ul>
 * <li>{@link dev.postern.app.queue.FileMailQueueFactory} opens the directory, recovers it and hands out
 * one {@link dev.postern.app.queue.FileMailQueue} per name.</li>
 * <li>A message's bytes are written once, to {@code content/<id>}; each queue holds small envelope
 * files ({@code queues/<name>/<id>}, JSON, see {@code EnvelopeCodec}) that refer to it, so re-queueing
 * deferred mail (reduced to its deferred recipients) writes only a new envelope.</li>
 * <li>Every file is written to {@code tmp/}, fsync'd and renamed into place, and the rename made
 * durable by a directory fsync shared between concurrent writers, before {@code enQueue} returns.
 * A first enqueue costs two file fsyncs and two (shared) directory fsyncs; moving an unchanged mail
 * to another queue one of each; completing a mail none.</li>
 * </ul>
 */
package dev.postern.app.queue;
