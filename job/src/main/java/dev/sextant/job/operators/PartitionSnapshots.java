package dev.sextant.job.operators;

import dev.sextant.index.CollectionConfig;
import dev.sextant.index.IndexOptions;
import dev.sextant.index.Point;
import dev.sextant.index.search.CollectionIndex;
import dev.sextant.job.protocol.CatalogEntry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;
import org.apache.flink.api.common.state.MapState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The graph blobs of {@link IndexPartition} (design §6d): per partition key, {@link IndexPartition#GRAPHS} holds
 * one {@link GraphBlob} per collection, so a restore loads each collection's graphs instead of re-inserting its
 * points, and applies only the changes made since the blob was written.
 *
 * <p><b>When a blob is written</b> (in the operator's synchronous snapshot, so it lands in the same checkpoint as
 * the points it describes): the dirt of a (partition, collection) is the number of vector changes since its
 * blob ({@link CollectionIndex#changes()}), plus the points the blob holds pending that have been linked since
 * (design §6f: a restore would link them again). At a checkpoint, the collections whose dirt is at least
 * {@code threshold}, and at least {@value #DIRT_FRACTION} of their points in the partition, are written, largest
 * first, at most {@code perCheckpoint} of them: a blob rewrites the whole collection of the partition, so the cap
 * bounds the pause a checkpoint adds to the task thread, the threshold bounds what a restore replays, and the
 * fraction keeps the cost of rewrites per change bounded on large partitions (a 25,000-point partition of 128-d
 * vectors is a 25 MB blob and 0.1–1 s of the task thread; under a sustained 250 changes/s it was rewritten every
 * 4 s with the absolute threshold alone). Once the subtask has had no change for {@link #QUIET_MS}, a checkpoint
 * writes up to {@code perCheckpoint} dirty collections whatever their dirt, so an idle job converges to replaying
 * nothing (the wait keeps a trickle of single writes from rewriting whole blobs at every checkpoint). A savepoint
 * writes every dirty collection: a restore from it replays nothing.
 *
 * <p>Not thread-safe: the operator's task thread owns it.
 */
final class PartitionSnapshots {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionSnapshots.class);
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    /** Milliseconds without any change after which dirty blobs below the threshold are written too. */
    static final long QUIET_MS = 30_000;
    /**
     * A blob is due only once its dirt is also this fraction of the collection's points in the partition. A
     * restore re-puts at most that many points per collection and partition; with deferred linking the first
     * {@code sextant.index.max-pending} of them are only marked pending (design §6f), not linked before the job runs.
     */
    static final double DIRT_FRACTION = 0.1;

    private final long threshold;
    private final int perCheckpoint;
    private final MapState<String, GraphBlob> graphs;
    /** Partition key → collection → {@link CollectionIndex#changes()} when its blob was written or loaded. */
    private final Map<Integer, Map<String, Saved>> saved = new HashMap<>();

    private long changesAtLastCheckpoint = -1;
    private long lastChangeSeenMs;

    /** What this subtask restored, for metrics, logs and tests (volatile: the metric reporter reads them). */
    private volatile int restoredFromBlob;
    private volatile long replayed;
    private volatile int rebuilt;
    /** What the latest checkpoint wrote. */
    private volatile int lastWritten;
    private volatile long lastWrittenBytes;
    private volatile long lastWriteMs;
    private volatile long written;

    /**
     * @param threshold vector changes since a collection's blob that make it due at a checkpoint, ≥ 1
     * @param perCheckpoint blobs written per checkpoint at most (savepoints write all), ≥ 1
     * @param graphs the keyed state {@link IndexPartition#GRAPHS}
     */
    PartitionSnapshots(long threshold, int perCheckpoint, MapState<String, GraphBlob> graphs) {
        if (threshold < 1 || perCheckpoint < 1) {
            throw new IllegalArgumentException("graph snapshot threshold and blobs per checkpoint must be >= 1, got "
                    + threshold + " and " + perCheckpoint);
        }
        this.threshold = threshold;
        this.perCheckpoint = perCheckpoint;
        this.graphs = graphs;
    }

    /**
     * The index of a live collection in the current partition from its blob and its current points, or
     * {@code null} when it has to be rebuilt from the points: no blob, a blob of another incarnation, or one
     * that cannot be read or loaded (corrupt, another format version, another config). A restore must not fail over
     * a derived blob, so only an exception of the state backend itself when removing an unusable blob escapes. A
     * blob that is not used is removed.
     */
    CollectionIndex load(int key, CatalogEntry entry, CollectionConfig config, IndexOptions options,
            List<Point> points) throws Exception {
        GraphBlob blob;
        try {
            blob = graphs.get(entry.collection());
        } catch (RuntimeException e) {
            LOG.warn("Partition key {}: the graph blob of collection {} cannot be read ({}); rebuilding from its"
                    + " points", key, entry.collection(), e.toString());
            graphs.remove(entry.collection());
            return null;
        }
        if (blob == null) {
            return null;
        }
        if (blob.incarnation() != entry.incarnation()) {
            LOG.warn("Partition key {}: the graph blob of collection {} is of incarnation {}, not {}; rebuilding"
                    + " from its points", key, entry.collection(), blob.incarnation(), entry.incarnation());
            graphs.remove(entry.collection());
            return null;
        }
        CollectionIndex index;
        try {
            index = CollectionIndex.restore(config, options, blob.snapshot(), points);
        } catch (RuntimeException e) {
            LOG.warn("Partition key {}: the graph blob of collection {} cannot be loaded ({}); rebuilding from its"
                    + " points", key, entry.collection(), e.toString());
            graphs.remove(entry.collection());
            return null;
        }
        // the blob's state is the baseline: what was replayed onto it is still dirt
        saved.computeIfAbsent(key, k -> new HashMap<>()).put(entry.collection(), new Saved(0, index.pending()));
        restoredFromBlob++;
        replayed += index.changes();
        return index;
    }

    /** Counts a collection built from its points on restore. */
    void countRebuilt() {
        rebuilt++;
    }

    /** Removes the blobs of the current partition whose collection has no live index any more. */
    void removeOrphans(Set<String> liveCollections) throws Exception {
        List<String> orphans = new ArrayList<>();
        for (String collection : graphs.keys()) {
            if (!liveCollections.contains(collection)) {
                orphans.add(collection);
            }
        }
        for (String collection : orphans) {
            graphs.remove(collection);
        }
    }

    /**
     * Forgets the blob of a collection in the current partition (its index is deleted or replaced by another
     * incarnation's).
     */
    void forget(int key, String collection) throws Exception {
        graphs.remove(collection);
        Map<String, Saved> byCollection = saved.get(key);
        if (byCollection != null) {
            byCollection.remove(collection);
        }
    }

    /**
     * Writes the due blobs (see the class comment).
     *
     * @param indexes partition key → collection → its index (without one for a deleted collection)
     * @param setKey sets the current key of the keyed state (only keys the subtask owns)
     * @param savepoint whether this snapshot is a savepoint (write every dirty blob)
     * @param nowMs the operator's processing time, ms
     */
    void write(Map<Integer, Map<String, IndexPartition.LiveIndex>> indexes, IntConsumer setKey, boolean savepoint,
            long checkpointId, long nowMs) throws Exception {
        long start = System.nanoTime();
        long cpuStart = CPU.getCurrentThreadCpuTime();
        List<Dirty> dirty = new ArrayList<>();
        long total = 0;
        for (Map.Entry<Integer, Map<String, IndexPartition.LiveIndex>> byKey : indexes.entrySet()) {
            Map<String, Saved> savedAt = saved.getOrDefault(byKey.getKey(), Map.of());
            for (Map.Entry<String, IndexPartition.LiveIndex> e : byKey.getValue().entrySet()) {
                CollectionIndex index = e.getValue().index();
                if (index == null) {
                    continue;
                }
                long changes = index.changes();
                total += changes;
                long since = savedAt.getOrDefault(e.getKey(), Saved.NONE).dirt(index);
                if (since > 0) {
                    dirty.add(new Dirty(byKey.getKey(), e.getKey(), e.getValue().entry().incarnation(), index, since));
                }
            }
        }
        if (total != changesAtLastCheckpoint) {
            changesAtLastCheckpoint = total;
            lastChangeSeenMs = nowMs;
        }
        boolean quiet = nowMs - lastChangeSeenMs >= QUIET_MS;
        dirty.sort(Comparator.comparingLong(Dirty::since).reversed());
        int n = 0;
        long bytes = 0;
        for (Dirty d : dirty) {
            if (!savepoint && (n == perCheckpoint || (!due(d) && !quiet))) {
                continue;
            }
            setKey.accept(d.key());
            byte[] snapshot = d.index().snapshot();
            graphs.put(d.collection(), new GraphBlob(d.incarnation(), snapshot));
            saved.computeIfAbsent(d.key(), k -> new HashMap<>())
                    .put(d.collection(), new Saved(d.index().changes(), d.index().pending()));
            bytes += snapshot.length;
            n++;
        }
        lastWritten = n;
        lastWrittenBytes = bytes;
        lastWriteMs = (System.nanoTime() - start) / 1_000_000;
        written += n;
        if (n > 0) {
            LOG.info("{} {}: wrote {} graph blob(s), {} bytes, in {} ms ({} ms CPU); {} collection(s) still dirty",
                    savepoint ? "Savepoint" : "Checkpoint", checkpointId, n, bytes, lastWriteMs,
                    (CPU.getCurrentThreadCpuTime() - cpuStart) / 1_000_000, dirty.size() - n);
        }
    }

    /** Blobs loaded on restore (each one a collection whose graphs were not rebuilt). */
    int restoredFromBlob() {
        return restoredFromBlob;
    }

    /** Vector changes applied on top of the loaded blobs on restore. */
    long replayed() {
        return replayed;
    }

    /** Collections rebuilt from their points on restore (no usable blob). */
    int rebuilt() {
        return rebuilt;
    }

    /** Blobs written since the subtask started. */
    long written() {
        return written;
    }

    /** Blobs the latest checkpoint or savepoint wrote. */
    int lastWritten() {
        return lastWritten;
    }

    /** Bytes of the blobs the latest checkpoint or savepoint wrote. */
    long lastWrittenBytes() {
        return lastWrittenBytes;
    }

    /** Milliseconds the latest checkpoint or savepoint spent choosing and writing blobs (synchronous). */
    long lastWriteMs() {
        return lastWriteMs;
    }

    /** Whether a collection's dirt reaches both the threshold and {@link #DIRT_FRACTION} of its points. */
    private boolean due(Dirty d) {
        return d.since() >= threshold && d.since() >= DIRT_FRACTION * d.index().size();
    }

    private record Dirty(int key, String collection, long incarnation, CollectionIndex index, long since) {}

    /**
     * A collection's {@link CollectionIndex#changes()} and {@link CollectionIndex#pending()} when its blob was
     * written or loaded.
     */
    private record Saved(long changes, int pending) {
        static final Saved NONE = new Saved(0, 0);

        /**
         * What the blob lacks: the vector changes since, and the points it holds pending that have been linked
         * since (a restore would link them again; design §6f).
         */
        long dirt(CollectionIndex index) {
            return index.changes() - changes + Math.max(0, pending - index.pending());
        }
    }
}
