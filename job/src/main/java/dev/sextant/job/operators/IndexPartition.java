package dev.sextant.job.operators;

import dev.sextant.index.CollectionConfig;
import dev.sextant.index.IndexOptions;
import dev.sextant.index.Point;
import dev.sextant.index.search.CollectionIndex;
import dev.sextant.index.search.PendingLinks;
import dev.sextant.index.search.ResultMerge;
import dev.sextant.index.search.ScoredPoint;
import dev.sextant.index.query.ResolvedQuery;
import dev.sextant.job.protocol.AckPart;
import dev.sextant.job.protocol.CatalogEntry;
import dev.sextant.job.protocol.CollectionChange;
import dev.sextant.job.protocol.Hit;
import dev.sextant.job.protocol.Json;
import dev.sextant.job.protocol.PartialResult;
import dev.sextant.job.protocol.PartitionInput;
import dev.sextant.job.protocol.PointWrite;
import dev.sextant.job.protocol.ResolvedRequest;
import dev.sextant.job.protocol.StoredPoint;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.runtime.checkpoint.CheckpointOptions;
import org.apache.flink.runtime.state.CheckpointStreamFactory;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.OperatorSnapshotFutures;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * The index partitions (design §2): input 1 is {@link PointWrite}s keyed by partition key, input 2 the
 * broadcast {@link CollectionChange}s and {@link ResolvedRequest}s.
 *
 * <p>State, per partition key: {@link #POINTS}, every point of the partition ({@code collection \0 id} →
 * {@link StoredPoint}, durable in RocksDB), {@link #COLLECTIONS}, the incarnation and config of each
 * collection the partition holds or has seen deleted, and {@link #GRAPHS}, each collection's
 * serialised vector spaces and graphs as of some earlier checkpoint. In memory, one {@link CollectionIndex} per
 * (partition, collection). A restore loads each collection's graph blob and reconciles it with its points
 * (only the changes since the blob touch the graphs), and rebuilds from the points a collection without a
 * usable blob ({@link #restorePartition}, design §6d).
 *
 * <p>Graph repairs (removing tombstones, seconds on a large graph) do not run inside the write that makes them
 * due: a processing-time callback every {@value #REPAIR_CHECK_INTERVAL_MS} ms repairs one due vector space
 * (design §6d); only a write past the ceiling of {@link IndexSettings#REPAIR_CEILING} repairs inline.
 *
 * <p>Linking into the graphs is deferred too ({@link IndexSettings#maxPending()} above 0, the default): a write
 * stores its point, which every later request finds by the exact scan of unlinked points beside the graph
 * search, and processing-time callbacks link unlinked points in slices of {@value #LINK_SLICE_MS} ms between
 * records (design §6f). While records keep arriving a slice is followed by a pause as long as itself, so linking
 * takes at most half of the task thread from them; when none arrive, slices run back to back.
 *
 * <ul>
 *   <li>A write is applied to state and index, then counted for its acknowledgment ({@link Tags#ACKS}). A
 *       write for a newer incarnation than the partition holds starts a fresh index from the config the
 *       write carries (the creation's broadcast may still be on its way); a stale one is dropped but still
 *       counted.</li>
 *   <li>A deletion clears the collection's points and index in every partition this subtask owns and leaves
 *       a tombstone so late writes of that incarnation are recognised as stale.</li>
 *   <li>A request is searched in every partition this subtask owns (possibly none) and answered with exactly
 *       one {@link PartialResult} carrying the operator's parallelism, so {@code MergeTopK} knows how many to
 *       wait for.</li>
 *   <li>Every collection change is acknowledged once per subtask (stage {@link #STAGE}).</li>
 * </ul>
 *
 * <p>Which partition keys a subtask owns follows from the key-group assignment at the running parallelism
 * ({@link PartitionKeys#ownedKeys}), so the same state restores at another parallelism.
 */
public final class IndexPartition extends AbstractStreamOperator<PartialResult>
        implements TwoInputStreamOperator<PointWrite, PartitionInput, PartialResult> {
    private static final long serialVersionUID = 1L;

    public static final MapStateDescriptor<String, StoredPoint> POINTS =
            new MapStateDescriptor<>("points", String.class, StoredPoint.class);
    public static final MapStateDescriptor<String, CatalogEntry> COLLECTIONS =
            new MapStateDescriptor<>("collections", String.class, CatalogEntry.class);
    /** Per partition key: collection → its vector spaces and graphs as of some checkpoint (design §6d). */
    public static final MapStateDescriptor<String, GraphBlob> GRAPHS =
            new MapStateDescriptor<>("graphs", String.class, GraphBlob.class);
    public static final String STAGE = "partition";
    /** Operator state: the number of partitions the keyed state was written with. */
    public static final ListStateDescriptor<Integer> PARTITION_COUNT =
            new ListStateDescriptor<>("partition count", Integer.class);

    /** Milliseconds between two looks for a due graph repair (each repairs at most one vector space). */
    static final long REPAIR_CHECK_INTERVAL_MS = 1_000;
    /** Milliseconds of linking per callback (about one to four 384-d inserts). */
    static final long LINK_SLICE_MS = 2;

    private final PartitionKeys partitionKeys;
    private final IndexSettings indexSettings;

    private transient MapState<String, StoredPoint> points;
    private transient MapState<String, CatalogEntry> collections;
    /** Partition key → collection → the live index (or a tombstone entry without index). */
    private transient Map<Integer, Map<String, LiveIndex>> indexes;
    private transient int[] ownedKeys;
    private transient int parallelism;
    private transient IndexOptions indexOptions;
    /** Points in memory over all partitions and collections of this subtask, for the "points" gauge. */
    private transient volatile long pointsHeld;
    private transient PartitionSnapshots snapshots;
    /** Whether the snapshot being taken is a savepoint (set around {@link #snapshotState(StateSnapshotContext)}). */
    private transient boolean takingSavepoint;
    /** Whether a linking callback is scheduled. */
    private transient boolean linkScheduled;
    /** Slices so far: each starts at another collection, so one collection's writes cannot take every slice. */
    private transient int linkTurn;
    /** Records processed since the last linking callback (input is flowing: give it the thread half the time). */
    private transient boolean inputSinceLink;
    /** Unlinked points over all partitions and collections of this subtask, for the "pointsPending" gauge. */
    private transient volatile long pointsPending;

    /** A collection's index in one partition, for the incarnation in {@code entry} ({@code null}: deleted). */
    record LiveIndex(CatalogEntry entry, CollectionIndex index) {}

    public IndexPartition(PartitionKeys partitionKeys, IndexSettings indexSettings) {
        this.partitionKeys = partitionKeys;
        this.indexSettings = indexSettings;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        points = context.getKeyedStateStore().getMapState(POINTS);
        collections = context.getKeyedStateStore().getMapState(COLLECTIONS);
        var task = getRuntimeContext().getTaskInfo();
        parallelism = task.getNumberOfParallelSubtasks();
        ownedKeys = partitionKeys.ownedKeys(parallelism, task.getIndexOfThisSubtask());
        indexOptions = indexSettings.toIndexOptions();
        indexes = new HashMap<>();
        snapshots = new PartitionSnapshots(indexSettings.graphSnapshotThreshold(),
                indexSettings.graphSnapshotsPerCheckpoint(),
                context.getKeyedStateStore().getMapState(GRAPHS));
        ListState<Integer> partitionCount = context.getOperatorStateStore().getUnionListState(PARTITION_COUNT);
        for (Integer written : partitionCount.get()) {
            if (written != partitionKeys.partitions()) {
                // Points live under the keys of the old partition count; with another count they would be lost.
                throw new IllegalStateException("sextant.partitions is " + partitionKeys.partitions()
                        + " but the restored state was written with " + written
                        + "; the partition count is fixed for the life of the job's state");
            }
        }
        partitionCount.update(List.of(partitionKeys.partitions()));
        getMetricGroup().gauge("partitionsOwned", () -> ownedKeys.length);
        getMetricGroup().gauge("points", () -> pointsHeld);
        getMetricGroup().gauge("pointsPending", () -> pointsPending);
        getMetricGroup().gauge("graphBlobsRestored", snapshots::restoredFromBlob);
        getMetricGroup().gauge("graphBlobPointsReplayed", snapshots::replayed);
        getMetricGroup().gauge("collectionsRebuilt", snapshots::rebuilt);
        getMetricGroup().gauge("graphBlobsWritten", snapshots::written);
        getMetricGroup().gauge("lastGraphBlobBytes", snapshots::lastWrittenBytes);
        getMetricGroup().gauge("lastGraphBlobWriteMs", snapshots::lastWriteMs);
        if (context.isRestored()) {
            long start = System.nanoTime();
            // CPU time too: on a loaded machine the wall time says little about the restore's own cost
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long cpuStart = threads.getCurrentThreadCpuTime();
            for (int key : ownedKeys) {
                setCurrentKey(key);
                restorePartition(key);
            }
            recountPoints();
            LOG.info("Restored {} partition(s), {} points, in {} ms ({} ms CPU): {} collection(s) from graph blobs"
                    + " ({} vector changes replayed onto them), {} rebuilt from their points", ownedKeys.length,
                    pointsHeld, (System.nanoTime() - start) / 1_000_000,
                    (threads.getCurrentThreadCpuTime() - cpuStart) / 1_000_000, snapshots.restoredFromBlob(),
                    snapshots.replayed(), snapshots.rebuilt());
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        getProcessingTimeService().scheduleWithFixedDelay(
                time -> repairOne(), REPAIR_CHECK_INTERVAL_MS, REPAIR_CHECK_INTERVAL_MS);
        scheduleLinking(0);
    }

    /** Schedules a linking callback {@code delayMs} from now unless one is scheduled or nothing is unlinked. */
    private void scheduleLinking(long delayMs) {
        if (linkScheduled || pointsPending == 0) {
            return;
        }
        linkScheduled = true;
        var time = getProcessingTimeService();
        long now = time.getCurrentProcessingTime();
        // Flink fires a timer once its timestamp has passed (a timer at now waits 1 ms); one in the past fires at once
        time.registerTimer(delayMs == 0 ? now - 1 : now + delayMs, t -> linkSlice());
    }

    /**
     * Links unlinked points for up to {@value #LINK_SLICE_MS} ms (a processing-time callback on the task thread;
     * no keyed state), then schedules the next slice: at once when no record came since the last one, else after
     * a pause as long as this slice.
     */
    private void linkSlice() {
        linkScheduled = false;
        long start = System.nanoTime();
        long budget = LINK_SLICE_MS * 1_000_000;
        List<CollectionIndex> withPending = new ArrayList<>();
        for (Map<String, LiveIndex> byCollection : indexes.values()) {
            for (LiveIndex live : byCollection.values()) {
                if (live.index() != null && live.index().pending() > 0) {
                    withPending.add(live.index());
                }
            }
        }
        long left = PendingLinks.linkInTurn(withPending, linkTurn++, budget);
        boolean progress = left < pointsPending;
        pointsPending = left;
        // a slice without progress (never expected) must not spin the mailbox
        long pauseMs = inputSinceLink || !progress ? Math.max(1, (System.nanoTime() - start) / 1_000_000) : 0;
        inputSinceLink = false;
        scheduleLinking(pauseMs);
    }

    /**
     * Restores a partition's in-memory indexes from its keyed state (the current key is set): per live
     * collection, its graph blob reconciled with its points, or, without a usable blob, a rebuild from the
     * points. Points of deleted or superseded incarnations found on the way are removed, and so are blobs of
     * collections that are not live.
     */
    private void restorePartition(int key) throws Exception {
        Map<String, LiveIndex> byCollection = new HashMap<>();
        Map<String, CatalogEntry> liveEntries = new HashMap<>();
        Map<String, Map<String, Point>> pointsOf = new HashMap<>();
        for (Map.Entry<String, CatalogEntry> e : collections.entries()) {
            if (e.getValue().deleted()) {
                byCollection.put(e.getKey(), new LiveIndex(e.getValue(), null));
            } else {
                liveEntries.put(e.getKey(), e.getValue());
                pointsOf.put(e.getKey(), new HashMap<>());
            }
        }
        List<String> stale = new ArrayList<>();
        for (Map.Entry<String, StoredPoint> e : points.entries()) {
            StoredPoint p = e.getValue();
            CatalogEntry entry = liveEntries.get(p.collection());
            if (entry != null && entry.isLive(p.incarnation())) {
                pointsOf.get(p.collection()).put(e.getKey(), p.toPoint());
            } else {
                stale.add(e.getKey());
            }
        }
        for (Map.Entry<String, Map<String, Point>> e : pointsOf.entrySet()) {
            CatalogEntry entry = liveEntries.get(e.getKey());
            CollectionConfig config = CollectionConfig.fromJson(Json.readTrusted(entry.configJson()));
            CollectionIndex index =
                    snapshots.load(key, entry, config, indexOptions, new ArrayList<>(e.getValue().values()));
            if (index == null) {
                index = rebuild(config, e.getValue(), stale);
                snapshots.countRebuilt();
            }
            byCollection.put(e.getKey(), new LiveIndex(entry, index));
        }
        for (String k : stale) {
            points.remove(k);
        }
        Set<String> live = new HashSet<>();
        byCollection.forEach((collection, index) -> {
            if (index.index() != null) {
                live.add(collection);
            }
        });
        snapshots.removeOrphans(live);
        indexes.put(key, byCollection);
    }

    /** A collection's index built by inserting every point; a point that cannot be indexed goes to {@code stale}. */
    private CollectionIndex rebuild(CollectionConfig config, Map<String, Point> pointsByKey, List<String> stale) {
        CollectionIndex index = new CollectionIndex(config, indexOptions);
        for (Map.Entry<String, Point> e : pointsByKey.entrySet()) {
            try {
                index.upsert(e.getValue());
            } catch (RuntimeException ex) {
                // One point must not stop a restore (it could never succeed); drop it loudly.
                LOG.error("Dropping point {} of a collection that cannot be indexed", e.getValue().id(), ex);
                stale.add(e.getKey());
            }
        }
        return index;
    }

    /** Repairs one due vector space, if any (a processing-time callback on the task thread; no keyed state). */
    private void repairOne() {
        for (Map<String, LiveIndex> byCollection : indexes.values()) {
            for (LiveIndex live : byCollection.values()) {
                if (live.index() != null && live.index().repairNext()) {
                    return;
                }
            }
        }
    }

    /** Notes whether the snapshot being taken is a savepoint, for {@link #snapshotState(StateSnapshotContext)}. */
    @Override
    public OperatorSnapshotFutures snapshotState(long checkpointId, long timestamp, CheckpointOptions options,
            CheckpointStreamFactory factory) throws Exception {
        takingSavepoint = options.getCheckpointType().isSavepoint();
        try {
            return super.snapshotState(checkpointId, timestamp, options, factory);
        } finally {
            takingSavepoint = false;
        }
    }

    /**
     * Writes the due graph blobs into keyed state (design §6d). Flink calls this in the synchronous phase,
     * before it snapshots the keyed backend, so the blobs land in the same checkpoint as the points.
     */
    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        snapshots.write(indexes, this::setCurrentKey, takingSavepoint, context.getCheckpointId(),
                getProcessingTimeService().getCurrentProcessingTime());
    }

    /** What the restore and the latest snapshot did (for tests). */
    PartitionSnapshots snapshots() {
        return snapshots;
    }

    /** Unlinked points over the partitions of this subtask (for tests; the "pointsPending" gauge). */
    long pointsPending() {
        return pointsPending;
    }

    /** The index of a collection in a partition key this subtask owns, or {@code null} (for tests). */
    CollectionIndex index(int key, String collection) {
        LiveIndex live = indexes.getOrDefault(key, Map.of()).get(collection);
        return live == null ? null : live.index();
    }

    /**
     * Recounts {@link #pointsHeld} and {@link #pointsPending} on the task thread (after a restore or a deletion);
     * writes adjust them as they go. The metric reporter reads only the volatiles, never the indexes.
     */
    private void recountPoints() {
        long held = 0;
        long pending = 0;
        for (Map<String, LiveIndex> byCollection : indexes.values()) {
            for (LiveIndex live : byCollection.values()) {
                held += live.index() == null ? 0 : live.index().size();
                pending += live.index() == null ? 0 : live.index().pending();
            }
        }
        pointsHeld = held;
        pointsPending = pending;
    }

    private LiveIndex newIndex(CatalogEntry entry) {
        return new LiveIndex(entry, entry.deleted() ? null
                : new CollectionIndex(CollectionConfig.fromJson(Json.readTrusted(entry.configJson())), indexOptions));
    }

    @Override
    public void processElement1(StreamRecord<PointWrite> record) throws Exception {
        PointWrite w = record.getValue();
        inputSinceLink = true;
        int key = (Integer) getCurrentKey();
        Map<String, LiveIndex> byCollection = indexes.computeIfAbsent(key, k -> new HashMap<>());
        LiveIndex live = byCollection.get(w.collection());
        if (live != null && live.entry().isStale(w.incarnation())) {
            // A write for an incarnation deleted or superseded in this partition: nothing to apply.
            ack(w);
            return;
        }
        if (live == null || live.entry().incarnation() < w.incarnation()) {
            // First write of this incarnation here (maybe before the creation's broadcast): start its index.
            if (live != null) {
                removePoints(w.collection());
                snapshots.forget(key, w.collection());
                pointsHeld -= live.index() == null ? 0 : live.index().size();
                pointsPending -= live.index() == null ? 0 : live.index().pending();
            }
            live = newIndex(new CatalogEntry(w.collection(), w.incarnation(), w.configJson(), false));
            byCollection.put(w.collection(), live);
            collections.put(w.collection(), live.entry());
        }
        String pointKey = w.storeKey();
        int sizeBefore = live.index().size();
        int pendingBefore = live.index().pending();
        try {
            if (w.delete()) {
                points.remove(pointKey);
                live.index().delete(w.id());
            } else {
                StoredPoint stored = w.toStored();
                live.index().upsert(stored.toPoint());
                points.put(pointKey, stored);
            }
        } catch (RuntimeException e) {
            // Never expected (the write was validated); keep state and index consistent and tell the client,
            // rather than fail the job and meet the same write again after the restart.
            LOG.error("Could not apply point {} of collection {}", w.id(), w.collection(), e);
            try {
                live.index().delete(w.id());
            } catch (RuntimeException again) {
                e.addSuppressed(again);
            }
            points.remove(pointKey);
            pointsHeld += live.index().size() - sizeBefore;
            pointsPending += live.index().pending() - pendingBefore;
            if (w.opId() != null) {
                output.collect(Tags.ACKS, new StreamRecord<>(AckPart.pointFailed(w.opId(), w.opPoints(), w.opIndex(),
                        500, "Service internal error: point " + w.id() + ": " + e)));
            }
            return;
        }
        pointsHeld += live.index().size() - sizeBefore;
        pointsPending += live.index().pending() - pendingBefore;
        scheduleLinking(0);
        ack(w);
    }

    private void ack(PointWrite w) {
        if (w.opId() != null) {
            output.collect(Tags.ACKS, new StreamRecord<>(AckPart.point(w.opId(), w.opPoints())));
        }
    }

    /** Removes every point of {@code collection} from the current partition's state. */
    private void removePoints(String collection) throws Exception {
        List<String> doomed = new ArrayList<>();
        for (Map.Entry<String, StoredPoint> e : points.entries()) {
            if (e.getValue().collection().equals(collection)) {
                doomed.add(e.getKey());
            }
        }
        for (String k : doomed) {
            points.remove(k);
        }
    }

    @Override
    public void processElement2(StreamRecord<PartitionInput> record) throws Exception {
        PartitionInput input = record.getValue();
        inputSinceLink = true;
        if (input.change() != null) {
            applyChange(input.change());
        } else {
            answer(input.request());
        }
    }

    private void applyChange(CollectionChange change) throws Exception {
        CatalogEntry entry = change.entry();
        if (entry.deleted()) {
            for (int key : ownedKeys) {
                Map<String, LiveIndex> byCollection = indexes.computeIfAbsent(key, k -> new HashMap<>());
                LiveIndex live = byCollection.get(entry.collection());
                if (live != null && live.entry().incarnation() > entry.incarnation()) {
                    continue; // a newer incarnation already lives here
                }
                setCurrentKey(key);
                removePoints(entry.collection());
                snapshots.forget(key, entry.collection());
                collections.put(entry.collection(), entry);
                byCollection.put(entry.collection(), new LiveIndex(entry, null));
            }
        }
        recountPoints();
        // Creations need nothing here: a partition starts a collection's index on its first write.
        if (change.opId() != null) {
            output.collect(Tags.ACKS, new StreamRecord<>(
                    AckPart.stageApplied(change.opId(), STAGE, change.ackStages(), parallelism)));
        }
    }

    private void answer(ResolvedRequest request) {
        PartialResult partial;
        try {
            partial = search(request);
        } catch (RuntimeException e) {
            // Never expected (the request was validated); still exactly one partial, so the request gets an answer.
            LOG.error("Search failed for request {}", request.ref().requestId(), e);
            partial = new PartialResult(request.ref(), request.batch(), parallelism, null, null, null, null, 500,
                    "Service internal error: " + e);
        }
        output.collect(new StreamRecord<>(partial));
    }

    private PartialResult search(ResolvedRequest request) {
        int searches = request.queries().length;
        Hit[][] hits = new Hit[searches][];
        int[] offsets = new int[searches];
        int[] limits = new int[searches];
        boolean[] ascending = new boolean[searches];
        for (int s = 0; s < searches; s++) {
            ResolvedQuery query = ResolvedQuery.fromJson(request.queries()[s]);
            offsets[s] = query.offset();
            limits[s] = query.limit();
            ascending[s] = query.ascending();
            int wanted = (int) Math.min(Integer.MAX_VALUE, (long) query.offset() + query.limit());
            List<List<ScoredPoint>> partials = new ArrayList<>();
            for (int key : ownedKeys) {
                Map<String, LiveIndex> byCollection = indexes.get(key);
                LiveIndex live = byCollection == null ? null : byCollection.get(request.collection());
                if (live != null && live.entry().isLive(request.incarnation())) {
                    partials.add(live.index().search(query));
                }
            }
            List<ScoredPoint> best = ResultMerge.merge(partials, query.ascending(), 0, wanted);
            hits[s] = best.stream()
                    .map(p -> new Hit(p.id(), p.score(),
                            p.payload() == null ? null : Json.write(p.payload()),
                            p.vector() == null ? null : Json.write(p.vector())))
                    .toArray(Hit[]::new);
        }
        return new PartialResult(request.ref(), request.batch(), parallelism, hits, offsets, limits, ascending, 0, null);
    }
}
