package dev.sextant.job.operators;

import dev.sextant.index.Point;
import dev.sextant.index.QdrantException;
import dev.sextant.index.payload.PayloadOperation;
import dev.sextant.index.payload.PayloadOperations;
import dev.sextant.index.payload.PointSelector;
import dev.sextant.job.protocol.AckPart;
import dev.sextant.job.protocol.CollectionChange;
import dev.sextant.job.protocol.CollectionSweep;
import dev.sextant.job.protocol.Json;
import dev.sextant.job.protocol.Lookup;
import dev.sextant.job.protocol.LookupResult;
import dev.sextant.job.protocol.PayloadChange;
import dev.sextant.job.protocol.PointWrite;
import dev.sextant.job.protocol.StoreInput;
import dev.sextant.job.protocol.StoredPoint;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * The latest version of every point, keyed by {@code collection \0 id} (design §1): every write passes through
 * here on its way to the index partitions, and requests look their example ids up here.
 *
 * <p>Everything that changes points arrives on the one keyed input from {@code CollectionCatalog}, so the store
 * applies a collection's operations in the catalog's order and never needs the catalog itself:
 * <ul>
 *   <li>An upsert or delete {@link PointWrite} replaces (or clears) the stored point and goes on to the
 *       partitions (main output).</li>
 *   <li>A {@link PointWrite} with a payload change is applied to the stored point of its incarnation (the
 *       {@code index} module's {@code PayloadOperation.apply}) and the point's whole next version goes on as an
 *       upsert. A point that does not exist is skipped and reported as failed (404 "Not found: No point with id N
 *       found"), so the operation's acknowledgment fails once its other points are applied.</li>
 *   <li>A {@link CollectionSweep} is applied once per subtask (on the copy of its first key group) to every
 *       stored point of its collection and incarnation: a collection deletion clears them all (the partitions
 *       hear of it by broadcast); a delete or payload operation by filter changes the points the filter admits
 *       and sends each one's new version (or deletion) on. The subtask then reports how many points it changed
 *       ({@link AckPart#pointsChanged}) and that it is done ({@link #STAGE}).</li>
 *   <li>A {@link Lookup} is answered with a {@link LookupResult} ({@link Tags#LOOKUP_RESULTS}): found only when
 *       the stored point belongs to the incarnation the request was planned against.</li>
 * </ul>
 *
 * <p>A custom operator rather than a process function because a sweep must visit every key of the subtask from
 * the keyed input, which only the keyed state backend offers. A sweep reads every key of the subtask and the
 * value of every point of the collection (the key names the collection, other points are not deserialised):
 * linear in the points held, so operations by filter suit maintenance, not a per-request rate. State:
 * {@link #POINT} per key.
 */
public final class PointStore extends AbstractStreamOperator<PointWrite> implements OneInputStreamOperator<StoreInput, PointWrite> {
    private static final long serialVersionUID = 1L;

    public static final ValueStateDescriptor<StoredPoint> POINT = new ValueStateDescriptor<>("point", StoredPoint.class);
    public static final String STAGE = "store";

    private final KeyGroupKeys storeKeys;
    private final PartitionKeys partitions;
    private transient ValueState<StoredPoint> point;
    private transient int parallelism;
    private transient int firstKeyGroup;
    /** The last payload change parsed: the writes of one operation follow each other and share it. */
    private transient PayloadChange lastChange;
    private transient PayloadOperation lastOperation;

    /**
     * @param storeKeys the keys the catalog addresses sweeps with (this operator's max parallelism)
     * @param partitions where each point lives (for the points a sweep changes)
     */
    public PointStore(KeyGroupKeys storeKeys, PartitionKeys partitions) {
        this.storeKeys = storeKeys;
        this.partitions = partitions;
    }

    @Override
    public void open() throws Exception {
        super.open();
        point = getKeyedStateStore().getState(POINT);
        var task = getRuntimeContext().getTaskInfo();
        parallelism = task.getNumberOfParallelSubtasks();
        firstKeyGroup = storeKeys.firstKeyGroup(parallelism, task.getIndexOfThisSubtask());
    }

    @Override
    public void processElement(StreamRecord<StoreInput> record) throws Exception {
        StoreInput input = record.getValue();
        if (input.write() != null) {
            write(input.write());
        } else if (input.lookup() != null) {
            lookup(input.lookup());
        } else {
            sweep(input.sweep());
        }
    }

    private void write(PointWrite w) throws Exception {
        if (w.payloadChange() != null) {
            changePayload(w);
        } else if (w.delete()) {
            point.clear();
            output.collect(new StreamRecord<>(w));
        } else {
            point.update(w.toStored());
            output.collect(new StreamRecord<>(w));
        }
    }

    private void changePayload(PointWrite w) throws Exception {
        StoredPoint stored = point.value();
        if (stored == null || stored.incarnation() != w.incarnation()) {
            // Qdrant's error for a listed id without a point; the operation's other points still apply.
            if (w.opId() != null) {
                QdrantException missing = PayloadOperations.pointNotFound(w.id());
                output.collect(Tags.ACKS, new StreamRecord<>(AckPart.pointFailed(w.opId(), w.opPoints(), w.opIndex(),
                        missing.code(), notFoundText(missing))));
            }
            return;
        }
        StoredPoint next;
        try {
            next = next(stored, operation(w.payloadChange()));
        } catch (RuntimeException e) {
            // Never expected (the operation was validated); one point must not fail the job.
            LOG.error("Could not apply {} to point {} of collection {}", w.payloadChange().operation(), w.id(),
                    w.collection(), e);
            if (w.opId() != null) {
                output.collect(Tags.ACKS, new StreamRecord<>(AckPart.pointFailed(w.opId(), w.opPoints(), w.opIndex(),
                        500, "Service internal error: point " + w.id() + ": " + e)));
            }
            return;
        }
        point.update(next);
        output.collect(new StreamRecord<>(upsertOf(next, w.configJson(), w.partition(), w.opId(), w.opPoints(),
                w.opIndex())));
    }

    /** The REST text of a 404 ("Not found: " and the reason), as the request path reports it. */
    private static String notFoundText(QdrantException e) {
        return e.getMessage().startsWith("Not found: ") ? e.getMessage() : "Not found: " + e.getMessage();
    }

    private PayloadOperation operation(PayloadChange change) {
        if (!change.equals(lastChange)) {
            lastOperation = PayloadOperations.parse(change.operation(), Json.readTrusted(change.bodyJson()));
            lastChange = change;
        }
        return lastOperation;
    }

    private static StoredPoint next(StoredPoint stored, PayloadOperation operation) {
        Point next = operation.apply(stored.toPoint());
        return new StoredPoint(stored.collection(), stored.incarnation(), stored.id(), stored.vectorNames(),
                stored.vectors(), next.payload() == null ? null : Json.write(next.payload()));
    }

    private static PointWrite upsertOf(StoredPoint p, String configJson, int partition, String opId, int opPoints,
            int opIndex) {
        return new PointWrite(p.collection(), p.incarnation(), configJson, p.id(), partition, false, p.vectorNames(),
                p.vectors(), p.payloadJson(), null, opId, opPoints, opIndex);
    }

    private void lookup(Lookup lookup) throws Exception {
        StoredPoint stored = point.value();
        boolean found = stored != null && stored.incarnation() == lookup.incarnation();
        output.collect(Tags.LOOKUP_RESULTS, new StreamRecord<>(found
                ? new LookupResult(lookup.ref(), lookup.collection(), lookup.id(), true, stored.vectorNames(),
                        stored.vectors())
                : new LookupResult(lookup.ref(), lookup.collection(), lookup.id(), false, null, null)));
    }

    private void sweep(CollectionSweep sweep) throws Exception {
        if (sweep.keyGroup() != firstKeyGroup) {
            return; // another copy of a sweep this subtask applies (or applied) on its first key group's copy
        }
        String prefix = sweep.collection() + '\0';
        PointSelector selector = null;
        PayloadOperation operation = null;
        try {
            if (CollectionSweep.DELETE.equals(sweep.operation())) {
                selector = PayloadOperations.deletePoints(Json.readTrusted(sweep.bodyJson()));
            } else if (!sweep.dropsCollection()) {
                operation = PayloadOperations.parse(sweep.operation(), Json.readTrusted(sweep.bodyJson()));
                selector = operation.selector();
            }
        } catch (RuntimeException e) {
            // Never expected (the catalog parsed the same body); report it as this subtask's failed part.
            LOG.error("Could not read the {} of collection {}", sweep.operation(), sweep.collection(), e);
            if (sweep.opId() != null) {
                output.collect(Tags.ACKS, new StreamRecord<>(AckPart.pointsChanged(sweep.opId(), 1)));
                output.collect(Tags.ACKS, new StreamRecord<>(AckPart.pointFailed(sweep.opId(), PointWrite.SWEPT, 0,
                        500, "Service internal error: " + e)));
                output.collect(Tags.ACKS, new StreamRecord<>(
                        AckPart.stageApplied(sweep.opId(), STAGE, AckPart.FILTER_OPERATION_GROUPS, parallelism)));
            }
            return;
        }
        PointSelector admitted = selector;
        PayloadOperation change = operation;
        int[] changed = {0};
        Object currentKey = getCurrentKey();
        getKeyedStateBackend().applyToAllKeys(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, POINT,
                (key, state) -> {
                    // The key names the collection: other collections' points are not even read.
                    if (!(key instanceof String k) || !k.startsWith(prefix)) {
                        return;
                    }
                    StoredPoint p = state.value();
                    if (p == null || p.incarnation() > sweep.incarnation()) {
                        return;
                    }
                    if (admitted == null) {
                        state.clear();
                        return;
                    }
                    if (p.incarnation() != sweep.incarnation() || !admitted.matches(p.toPoint())) {
                        return;
                    }
                    changed[0]++;
                    int partition = partitions.partitionOf(p.collection(), p.id());
                    if (change == null) {
                        state.clear();
                        output.collect(new StreamRecord<>(new PointWrite(p.collection(), p.incarnation(),
                                sweep.configJson(), p.id(), partition, true, null, null, null, null, sweep.opId(),
                                PointWrite.SWEPT, 0)));
                        return;
                    }
                    StoredPoint next;
                    try {
                        next = next(p, change);
                    } catch (RuntimeException e) {
                        // Never expected (the operation was validated); one point must not fail the job.
                        LOG.error("Could not apply {} to point {} of collection {}", change.name(), p.id(),
                                p.collection(), e);
                        if (sweep.opId() != null) {
                            output.collect(Tags.ACKS, new StreamRecord<>(AckPart.pointFailed(sweep.opId(),
                                    PointWrite.SWEPT, 0, 500, "Service internal error: point " + p.id() + ": " + e)));
                        }
                        return;
                    }
                    state.update(next);
                    output.collect(new StreamRecord<>(
                            upsertOf(next, sweep.configJson(), partition, sweep.opId(), PointWrite.SWEPT, 0)));
                });
        setCurrentKey(currentKey);
        if (sweep.opId() == null) {
            return;
        }
        if (sweep.dropsCollection()) {
            output.collect(Tags.ACKS, new StreamRecord<>(
                    AckPart.stageApplied(sweep.opId(), STAGE, CollectionChange.DELETE_ACK_STAGES, parallelism)));
        } else {
            // The count first, on the same channel: once every subtask is done, the points group knows its size.
            output.collect(Tags.ACKS, new StreamRecord<>(AckPart.pointsChanged(sweep.opId(), changed[0])));
            output.collect(Tags.ACKS, new StreamRecord<>(
                    AckPart.stageApplied(sweep.opId(), STAGE, AckPart.FILTER_OPERATION_GROUPS, parallelism)));
        }
    }
}
