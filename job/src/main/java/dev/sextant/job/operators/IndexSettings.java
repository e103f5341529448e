package dev.sextant.job.operators;

import dev.sextant.index.IndexOptions;
import java.io.Serializable;

/**
 * The index tuning the job exposes as options ({@code sextant.index.*}, {@code sextant.state.*}), in a form that
 * travels with the operator; every other knob keeps {@link IndexOptions#defaults()}.
 *
 * @param exactScanBelow vector spaces with fewer points than this (per partition) are scanned exactly
 * @param m jvector's maximum out-degree per node
 * @param efConstruction the graph construction beam
 * @param defaultEf the search beam when a request gives no {@code params.hnsw_ef}
 * @param graphSnapshotThreshold vector changes since a collection's graph blob (per partition) that make a
 *     checkpoint rewrite it (design §6d), ≥ 1
 * @param graphSnapshotsPerCheckpoint graph blobs a checkpoint writes at most (savepoints write all), ≥ 1
 * @param maxPending points per partition and named vector that are searchable but not yet linked into the HNSW
 *     graph; the partition links them in slices between records ({@link IndexOptions#maxPending()}); 0 links
 *     every point inside its write
 */
public record IndexSettings(int exactScanBelow, int m, int efConstruction, int defaultEf,
        long graphSnapshotThreshold, int graphSnapshotsPerCheckpoint, int maxPending) implements Serializable {

    /** Default of {@link #graphSnapshotThreshold}: about 0.5–2 s of re-inserting 384-d vectors on restore. */
    public static final long DEFAULT_GRAPH_SNAPSHOT_THRESHOLD = 1_000;
    /** Default of {@link #graphSnapshotsPerCheckpoint}. */
    public static final int DEFAULT_GRAPH_SNAPSHOTS_PER_CHECKPOINT = 2;
    /**
     * Default of {@link #maxPending}: half the default exact-scan threshold, so the scan beside a graph search
     * costs at most about as much as the graph search itself (a 2,048-vector scan at 384-d: about 0.4 ms).
     */
    public static final int DEFAULT_MAX_PENDING = 2_048;
    /**
     * Tombstones past this fraction of a graph's nodes are repaired inside the write that adds them; below it
     * {@link IndexPartition}'s timer repairs due spaces (from {@link IndexOptions#repairFraction()} on). At 0.5 a
     * graph holds at most as many tombstones as live nodes.
     */
    public static final double REPAIR_CEILING = 0.5;

    public IndexSettings {
        if (graphSnapshotThreshold < 1 || graphSnapshotsPerCheckpoint < 1) {
            throw new IllegalArgumentException("sextant.state.graph-snapshot-threshold and"
                    + " sextant.state.graph-snapshots-per-checkpoint must be >= 1");
        }
        if (maxPending < 0) {
            throw new IllegalArgumentException("sextant.index.max-pending must be >= 0, got " + maxPending);
        }
    }

    /** Settings with the default graph snapshot policy and deferred linking. */
    public IndexSettings(int exactScanBelow, int m, int efConstruction, int defaultEf) {
        this(exactScanBelow, m, efConstruction, defaultEf, DEFAULT_GRAPH_SNAPSHOT_THRESHOLD,
                DEFAULT_GRAPH_SNAPSHOTS_PER_CHECKPOINT, DEFAULT_MAX_PENDING);
    }

    public static IndexSettings defaults() {
        IndexOptions d = IndexOptions.defaults();
        return new IndexSettings(d.exactScanBelow(), d.m(), d.efConstruction(), d.defaultEf());
    }

    /** These settings with another graph snapshot policy. */
    public IndexSettings withGraphSnapshots(long threshold, int perCheckpoint) {
        return new IndexSettings(exactScanBelow, m, efConstruction, defaultEf, threshold, perCheckpoint, maxPending);
    }

    /** These settings with another exact-scan threshold. */
    public IndexSettings withExactScanBelow(int v) {
        return new IndexSettings(v, m, efConstruction, defaultEf, graphSnapshotThreshold, graphSnapshotsPerCheckpoint,
                maxPending);
    }

    /** These settings with another bound on unlinked points (0: every write links its point). */
    public IndexSettings withMaxPending(int v) {
        return new IndexSettings(exactScanBelow, m, efConstruction, defaultEf, graphSnapshotThreshold,
                graphSnapshotsPerCheckpoint, v);
    }

    /**
     * The index options; repairs are scheduled by the operator up to {@link #REPAIR_CEILING}, and so is linking
     * when {@link #maxPending} is above 0.
     */
    public IndexOptions toIndexOptions() {
        IndexOptions d = IndexOptions.defaults();
        return new IndexOptions(exactScanBelow, m, efConstruction, defaultEf, d.neighborOverflow(), d.alpha(),
                d.repairFraction(), REPAIR_CEILING, maxPending);
    }
}
