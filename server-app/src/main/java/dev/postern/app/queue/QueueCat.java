package dev.postern.app.queue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.common.io.ByteStreams;

import dev.postern.queue.QueueIdGenerator;

/**
 * {@code postern cat QID} (Postfix's {@code postcat -q}): prints the envelope and then the message of each
 * queued mail whose queue ID, or whole mail name, is the one asked for. It reads the segments of a queue
 * directory on its own, as recovery would, so it works whether or not the server is running (records the
 * server is writing at that moment may be missed, never half-shown: a torn record ends a segment's scan).
 */
public final class QueueCat {
    private record Live(JournalRecord.Put put, Envelope envelope) {
    }

    private record Located(Path segment, SegmentReader.Entry entry) {
    }

    private final Path queueDirectory;

    public QueueCat(Path queueDirectory) {
        this.queueDirectory = queueDirectory;
    }

    /** Prints every queued mail of {@code queueId}; returns how many were found. */
    public int print(String queueId, PrintStream out) throws IOException {
        Map<String, JournalRecord.Put> puts = new LinkedHashMap<>();
        Map<String, Located> contents = new HashMap<>();
        for (Path segment : QueueJournal.segmentFiles(new QueueLayout(queueDirectory, new DirectorySync.Factory(new SyncStatistics())).segmentsDirectory())) {
            SegmentReader.Scan scan;
            try {
                scan = SegmentReader.scan(segment);
            } catch (NoSuchFileException e) {
                continue; // deleted by the server meanwhile: nothing in it was live
            }
            for (SegmentReader.Entry entry : scan.entries()) {
                if (entry.record() instanceof JournalRecord.Content content) {
                    contents.put(content.contentId(), new Located(segment, entry));
                } else if (entry.record() instanceof JournalRecord.Put put) {
                    puts.put(put.envelopeId(), put);
                } else if (entry.record() instanceof JournalRecord.Remove remove) {
                    puts.remove(remove.envelopeId());
                }
            }
        }
        List<Live> found = new ArrayList<>();
        EnvelopeCodec codec = new EnvelopeCodec();
        for (JournalRecord.Put put : puts.values()) {
            Envelope envelope = codec.decode(put.envelopeId(), put.envelope());
            String name = envelope.mail().name();
            if (name.equals(queueId) || QueueIdGenerator.queueIdOf(name).equals(queueId)) {
                found.add(new Live(put, envelope));
            }
        }
        for (Live live : found) {
            print(live, contents, out);
        }
        out.flush();
        return found.size();
    }

    private static void print(Live live, Map<String, Located> contents, PrintStream out) throws IOException {
        Envelope envelope = live.envelope();
        MailSnapshot mail = envelope.mail();
        String where = live.put().queue() + "/" + envelope.id();
        out.println("*** ENVELOPE RECORDS " + where + " ***");
        out.println("queue_id: " + QueueIdGenerator.queueIdOf(mail.name()));
        out.println("mail_name: " + mail.name());
        out.println("message_arrival_time: " + envelope.enqueuedAt());
        out.println("next_attempt_time: " + envelope.nextDelivery());
        out.println("attempts: " + envelope.attempts());
        mail.state().ifPresent(state -> out.println("state: " + state));
        out.println("sender: " + (mail.sender().isNullSender() ? "" : mail.sender().asString()));
        mail.recipients().forEach(recipient -> out.println("recipient: " + recipient.asString()));
        mail.remoteHost().ifPresent(host -> out.println("client_name: " + host));
        mail.remoteAddr().ifPresent(addr -> out.println("client_address: " + addr));
        mail.errorMessage().ifPresent(reason -> out.println("reason: " + reason.replace('\n', ' ')));
        mail.attributes().forEach((name, json) -> out.println("named_attribute: " + name + "=" + json));
        out.println("*** MESSAGE CONTENTS " + where + " ***");
        if (envelope.contentId().isPresent()) {
            Located content = contents.get(envelope.contentId().get());
            if (content == null) {
                out.println("(content " + envelope.contentId().get() + " is missing)");
            } else {
                copy(content, envelope.contentId().get(), out);
            }
        }
        out.println("*** MESSAGE FILE END " + where + " ***");
    }

    private static void copy(Located content, String contentId, OutputStream out) throws IOException {
        int start = JournalRecord.contentStart(contentId);
        try (FileChannel channel = FileChannel.open(content.segment(), StandardOpenOption.READ)) {
            channel.position(content.entry().offset() + start);
            InputStream in = ByteStreams.limit(Channels.newInputStream(channel), content.entry().length() - start);
            byte[] bytes = in.readAllBytes();
            out.write(bytes);
            if (bytes.length > 0 && bytes[bytes.length - 1] != '\n') {
                out.write("\n".getBytes(StandardCharsets.US_ASCII));
            }
        }
    }
}
