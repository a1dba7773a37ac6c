package dev.postern.app.queue;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.io.ByteStreams;

import dev.postern.files.PrivateFiles;

/**
 * The queue's append-only log: numbered segment files under {@code segments/}, each a sequence of
 * {@link JournalRecord} frames. Every queue of a factory writes to the one current segment.
 *
 * <p><b>Group commit.</b> Appends are serialized and go straight to the file (the page cache); a caller
 * that needs its records durable ({@link #awaitDurable}) waits for an fdatasync that started after its
 * append. Whoever gets the commit lock first notes how far the log has been written, forces the file
 * once and thereby covers every caller that appended before: while one fdatasync runs, the sessions
 * that finish DATA queue up behind it and share the next one. Only queuing a new mail waits; removals
 * and re-queues (a retry's new attempt count) are appended without waiting (at least once: a removal lost
 * in a crash means the mail is delivered again).
 *
 * <p><b>Space.</b> Each segment counts what is live in it: the latest PUT of each queued envelope and the
 * content of each referenced message. A segment is deleted when it and every older segment hold nothing
 * live (only in that order: a REMOVE in a newer segment must outlive the PUT it ends). The current segment
 * is closed at {@code segmentLimit} bytes and at every start. An old segment that keeps newer, dead ones
 * alive, or that is mostly dead, is compacted ({@link #compact}): its live records are copied to the
 * current segment, forced, and it dies; so long-deferred mail does not pin the disk.
 *
 * <p>At start ({@link #open}) every segment is read, torn tails are ignored ({@link SegmentReader}), and
 * the caller says which envelopes and contents it keeps ({@link #adopt}).
 */
final class QueueJournal implements Closeable {
    private static final Logger LOGGER = LoggerFactory.getLogger(QueueJournal.class);
    private static final Pattern SEGMENT_NAME = Pattern.compile("[0-9a-f]{16}\\.seg");

    /** A live PUT found at start: the envelope as written, and its queue. */
    record RecoveredPut(String queue, String envelopeId, byte[] envelope) {
    }

    /**
     * Called by the committer just before it forces a segment, with the length of it already on disk:
     * the crash tests stop the process there. Production uses {@link #NO_HOOK}.
     */
    @FunctionalInterface
    interface ForceHook {
        void beforeForce(Path segment, long durableLength) throws IOException;
    }

    static final ForceHook NO_HOOK = (segment, durableLength) -> {
    };

    /** Where a record's frame is. */
    private record Location(long segment, long offset, int length) {
    }

    /** A segment file and what is live in it. */
    private static final class Segment {
        private final long number;
        private final Path file;
        private FileChannel channel;
        private long size;
        private long durable;
        private int live;
        private long liveBytes;

        private Segment(long number, Path file, long size) {
            this.number = number;
            this.file = file;
            this.size = size;
        }
    }

    private final Path directory;
    private final Path corruptDirectory;
    private final long segmentLimit;
    private final SyncStatistics statistics;
    private final ForceHook hook;
    private final TreeMap<Long, Segment> segments = new TreeMap<>();
    private final Map<String, Location> puts = new HashMap<>();
    private final Map<String, Location> contents = new HashMap<>();
    private final List<RecoveredPut> recovered;
    private final ReentrantLock commitLock = new ReentrantLock();
    private final AtomicLong durable = new AtomicLong();
    private Segment current;
    /** Bytes appended by this process, over all segments: the position {@link #awaitDurable} is given. */
    private long appended;
    private boolean keepEverything;

    private QueueJournal(Path directory, Path corruptDirectory, long segmentLimit, SyncStatistics statistics,
                         ForceHook hook, List<RecoveredPut> recovered) {
        this.hook = hook;
        this.directory = directory;
        this.corruptDirectory = corruptDirectory;
        this.segmentLimit = segmentLimit;
        this.statistics = statistics;
        this.recovered = recovered;
    }

    /**
     * Reads every segment under {@code directory} and starts a new one. Nothing is deleted until
     * {@link #adopt} says what is kept.
     */
    static QueueJournal open(Path directory, Path corruptDirectory, long segmentLimit, SyncStatistics statistics,
                             ForceHook hook) throws IOException {
        List<Path> files = segmentFiles(directory);
        Map<String, RecoveredPut> live = new LinkedHashMap<>();
        QueueJournal journal = new QueueJournal(directory, corruptDirectory, segmentLimit, statistics, hook,
            new ArrayList<>());
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            SegmentReader.Scan scan = SegmentReader.scan(file);
            long number = number(file);
            journal.segments.put(number, new Segment(number, file, scan.validLength()));
            for (SegmentReader.Entry entry : scan.entries()) {
                Location location = new Location(number, entry.offset(), entry.length());
                JournalRecord record = entry.record();
                if (record instanceof JournalRecord.Content content) {
                    journal.contents.put(content.contentId(), location);
                } else if (record instanceof JournalRecord.Put put) {
                    // a later PUT replaces the earlier one but keeps its place: the order mails were queued in
                    live.put(put.envelopeId(), new RecoveredPut(put.queue(), put.envelopeId(), put.envelope()));
                    journal.puts.put(put.envelopeId(), location);
                } else if (record instanceof JournalRecord.Remove remove) {
                    live.remove(remove.envelopeId());
                    journal.puts.remove(remove.envelopeId());
                }
            }
            if (scan.damage().isPresent()) {
                journal.damaged(scan, i == files.size() - 1);
            }
        }
        journal.recovered.addAll(live.values());
        journal.startSegment(files.isEmpty() ? 1 : number(files.get(files.size() - 1)) + 1);
        return journal;
    }

    /** The envelopes that were queued when the previous process stopped, oldest write first. */
    List<RecoveredPut> recovered() {
        return List.copyOf(recovered);
    }

    /** Whether a content with this id was found at start or written since. */
    synchronized boolean hasContent(String contentId) {
        return contents.containsKey(contentId);
    }

    /**
     * Keeps the given recovered envelopes and contents and forgets the others (their segments can then
     * go). With {@code keepEverything} (something could not be read) no segment is deleted in this run.
     */
    synchronized void adopt(Set<String> envelopeIds, Set<String> contentIds, boolean keepEverything) {
        this.keepEverything = keepEverything;
        puts.keySet().retainAll(envelopeIds);
        contents.keySet().retainAll(contentIds);
        puts.values().forEach(location -> count(location, 1));
        contents.values().forEach(location -> count(location, 1));
        recovered.clear();
        deleteDeadSegments();
    }

    /**
     * Appends a PUT, after the content's record when the message is new; returns the position to give
     * {@link #awaitDurable}.
     */
    synchronized long put(String queue, String envelopeId, byte[] envelope, Optional<JournalRecord.Content> content)
            throws IOException {
        rollIfFull();
        byte[] putFrame = new JournalRecord.Put(queue, envelopeId, envelope).frame();
        byte[] contentFrame = content.map(JournalRecord::frame).orElse(new byte[0]);
        long offset = current.size;
        write(ByteBuffer.wrap(contentFrame), ByteBuffer.wrap(putFrame));
        content.ifPresent(c -> replace(contents, c.contentId(), new Location(current.number, offset, contentFrame.length)));
        replace(puts, envelopeId, new Location(current.number, offset + contentFrame.length, putFrame.length));
        return appended;
    }

    /** Appends a REMOVE without waiting for it to be durable. */
    synchronized void remove(String queue, String envelopeId) throws IOException {
        Location old = puts.remove(envelopeId);
        if (old != null) {
            count(old, -1);
        }
        rollIfFull();
        write(ByteBuffer.wrap(new JournalRecord.Remove(queue, envelopeId).frame()));
        deleteDeadSegments();
    }

    /** Nobody refers to this content any more: its segment may go. */
    synchronized void releaseContent(String contentId) {
        Location old = contents.remove(contentId);
        if (old != null) {
            count(old, -1);
            deleteDeadSegments();
        }
    }

    /** Returns once every record appended up to {@code position} is on disk (fdatasync, shared). */
    void awaitDurable(long position) throws IOException {
        if (durable.get() >= position) {
            return;
        }
        commitLock.lock();
        try {
            if (durable.get() >= position) {
                return;
            }
            long upTo;
            long upToSize;
            Segment segment;
            FileChannel channel;
            synchronized (this) {
                upTo = appended;
                segment = current;
                upToSize = segment.size;
                channel = segment.channel;
            }
            try {
                hook.beforeForce(segment.file, segment.durable);
                channel.force(false);
            } catch (ClosedChannelException e) {
                // closed by a roll, which forced it first
                if (durable.get() >= position) {
                    return;
                }
                throw e;
            }
            statistics.fileSynced();
            synchronized (this) {
                segment.durable = Math.max(segment.durable, upToSize);
            }
            durable.accumulateAndGet(upTo, Math::max);
        } finally {
            commitLock.unlock();
        }
    }

    /** How far this process has appended. */
    synchronized long position() {
        return appended;
    }

    /** The bytes of a content, read from its segment when asked for. */
    InputStream openContent(String contentId) throws IOException {
        Location location;
        FileChannel channel;
        synchronized (this) {
            location = contentLocation(contentId);
            // opened under the lock, so the segment cannot be deleted in between; the open file keeps its bytes
            channel = FileChannel.open(segments.get(location.segment()).file, StandardOpenOption.READ);
        }
        int start = JournalRecord.contentStart(contentId);
        channel.position(location.offset() + start);
        return ByteStreams.limit(Channels.newInputStream(channel), location.length() - start);
    }

    synchronized long contentSize(String contentId) throws IOException {
        return contentLocation(contentId).length() - JournalRecord.contentStart(contentId);
    }

    /** The segment files on disk now, oldest first. */
    synchronized List<Path> segmentFiles() {
        return segments.values().stream().map(segment -> segment.file).toList();
    }

    /**
     * Copies the live records of the oldest segment to the current one when that lets segments be
     * deleted: when a dead segment waits behind it, or when less than a quarter of it is live.
     */
    void compact() throws IOException {
        List<String> envelopeIds;
        List<String> contentIds;
        long oldest;
        synchronized (this) {
            Segment first = segments.firstEntry().getValue();
            if (first == current || keepEverything || first.live == 0) {
                return;
            }
            boolean blocksDeadSegment = segments.tailMap(first.number, false).values().stream()
                .anyMatch(segment -> segment != current && segment.live == 0);
            if (!blocksDeadSegment && first.liveBytes * 4 >= first.size) {
                return;
            }
            oldest = first.number;
            envelopeIds = idsIn(puts, oldest);
            contentIds = idsIn(contents, oldest);
        }
        for (String contentId : contentIds) {
            copyForward(contents, contentId, oldest);
        }
        for (String envelopeId : envelopeIds) {
            copyForward(puts, envelopeId, oldest);
        }
        awaitDurable(position());
        synchronized (this) {
            deleteDeadSegments();
        }
        LOGGER.debug("Compacted queue segment {}: {} envelopes and {} contents copied", oldest, envelopeIds.size(),
            contentIds.size());
    }

    @Override
    public synchronized void close() {
        for (Segment segment : segments.values()) {
            closeQuietly(segment);
        }
    }

    private static List<String> idsIn(Map<String, Location> locations, long segment) {
        return locations.entrySet().stream().filter(entry -> entry.getValue().segment() == segment)
            .map(Map.Entry::getKey).toList();
    }

    /** Copies one record, unchanged, to the current segment, unless it moved or died meanwhile. */
    private synchronized void copyForward(Map<String, Location> locations, String id, long from) throws IOException {
        Location location = locations.get(id);
        if (location == null || location.segment() != from) {
            return;
        }
        ByteBuffer frame = ByteBuffer.allocate(location.length());
        try (FileChannel channel = FileChannel.open(segments.get(from).file, StandardOpenOption.READ)) {
            while (frame.hasRemaining()) {
                if (channel.read(frame, location.offset() + frame.position()) < 0) {
                    throw new IOException("Segment " + segments.get(from).file + " ends inside the record at offset "
                        + location.offset());
                }
            }
        }
        frame.flip();
        rollIfFull();
        long offset = current.size;
        write(frame);
        replace(locations, id, new Location(current.number, offset, location.length()));
    }

    private Location contentLocation(String contentId) throws IOException {
        Location location = contents.get(contentId);
        if (location == null) {
            throw new IOException("No content " + contentId + " in the queue segments under " + directory);
        }
        return location;
    }

    /** Called holding the lock. */
    private void replace(Map<String, Location> locations, String id, Location location) {
        Location old = locations.put(id, location);
        if (old != null) {
            count(old, -1);
        }
        count(location, 1);
    }

    /** Called holding the lock. */
    private void count(Location location, int delta) {
        Segment segment = segments.get(location.segment());
        if (segment != null) {
            segment.live += delta;
            segment.liveBytes += (long) delta * location.length();
        }
    }

    /** Called holding the lock: deletes the oldest segments for as long as they are dead. */
    private void deleteDeadSegments() {
        if (keepEverything) {
            return;
        }
        while (!segments.isEmpty()) {
            Segment first = segments.firstEntry().getValue();
            if (first == current || first.live > 0) {
                return;
            }
            closeQuietly(first);
            try {
                // No directory fsync: a deletion a crash undoes brings back records that later ones end.
                Files.deleteIfExists(first.file);
            } catch (IOException e) {
                LOGGER.warn("Cannot delete dead queue segment {}; it is tried again at the next start", first.file, e);
                return;
            }
            segments.remove(first.number);
        }
    }

    /** Called holding the lock. */
    private void write(ByteBuffer... buffers) throws IOException {
        long total = 0;
        for (ByteBuffer buffer : buffers) {
            total += buffer.remaining();
        }
        long written = 0;
        while (written < total) {
            written += current.channel.write(buffers);
        }
        current.size += total;
        appended += total;
    }

    /** Called holding the lock. */
    private void rollIfFull() throws IOException {
        if (current.size < segmentLimit) {
            return;
        }
        hook.beforeForce(current.file, current.durable);
        current.channel.force(false);
        statistics.fileSynced();
        current.durable = current.size;
        durable.accumulateAndGet(appended, Math::max);
        startSegment(current.number + 1);
        deleteDeadSegments();
    }

    /** Creates the next segment and makes its name durable, so that what is forced into it can be found. */
    private void startSegment(long number) throws IOException {
        Path file = directory.resolve(String.format("%016x.seg", number));
        FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
            StandardOpenOption.APPEND), PrivateFiles.fileAttributes(file));
        try (FileChannel directoryChannel = FileChannel.open(directory, StandardOpenOption.READ)) {
            directoryChannel.force(true);
        }
        statistics.directorySynced();
        Segment segment = new Segment(number, file, 0);
        segment.channel = channel;
        segments.put(number, segment);
        current = segment;
    }

    /** A damaged record: the torn tail of an interrupted write, or (in the middle of the log) corruption. */
    private void damaged(SegmentReader.Scan scan, boolean last) throws IOException {
        if (last) {
            LOGGER.warn("Queue segment {}: ignoring a torn record at its end ({}); it was never acknowledged",
                scan.file(), scan.damage().get());
            try (FileChannel channel = FileChannel.open(scan.file(), StandardOpenOption.WRITE)) {
                channel.truncate(scan.validLength());
                channel.force(false);
            }
            return;
        }
        Path copy = corruptDirectory.resolve("segment." + scan.file().getFileName());
        Files.copy(scan.file(), copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        LOGGER.error("Queue segment {} is damaged ({}); the records after that point are lost, a copy is in {}",
            scan.file(), scan.damage().get(), copy);
    }

    private static void closeQuietly(Segment segment) {
        if (segment.channel == null) {
            return;
        }
        try {
            segment.channel.close();
        } catch (IOException e) {
            LOGGER.warn("Cannot close queue segment {}", segment.file, e);
        }
        segment.channel = null;
    }

    static List<Path> segmentFiles(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (var listing = QueueLayout.list(directory)) {
            return listing.filter(file -> SEGMENT_NAME.matcher(file.getFileName().toString()).matches())
                .sorted().toList();
        }
    }

    private static long number(Path file) {
        String name = file.getFileName().toString();
        return Long.parseUnsignedLong(name.substring(0, name.indexOf('.')), 16);
    }
}
