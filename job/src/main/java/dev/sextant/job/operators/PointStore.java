package dev.sextant.job.operators;

import dev.sextant.job.protocol.AckPart;
import dev.sextant.job.protocol.CollectionChange;
import dev.sextant.job.protocol.CollectionSweep;
import dev.sextant.job.protocol.Lookup;
import dev.sextant.job.protocol.LookupResult;
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
 *   <li>A {@link PointWrite} replaces (or, for a delete, clears) the stored point and goes on to the partitions
 *       (main output).</li>
 *   <li>A {@link CollectionSweep} (a collection deletion) clears every stored point of that collection and
 *       incarnation in this subtask, once per subtask (on the copy of its first key group), and is acknowledged
 *       per subtask (stage {@link #STAGE}).</li>
 *   <li>A {@link Lookup} is answered with a {@link LookupResult} ({@link Tags#LOOKUP_RESULTS}): found only when
 *       the stored point belongs to the incarnation the request was planned against.</li>
 * </ul>
 *
 * <p>A custom operator rather than a process function because a sweep must visit every key of the subtask
 * from the keyed input, which only the keyed state backend offers. State: {@link #POINT} per key.
 */
public final class PointStore extends AbstractStreamOperator<PointWrite> implements OneInputStreamOperator<StoreInput, PointWrite> {
    private static final long serialVersionUID = 1L;

    public static final ValueStateDescriptor<StoredPoint> POINT = new ValueStateDescriptor<>("point", StoredPoint.class);
    public static final String STAGE = "store";

    private final KeyGroupKeys storeKeys;
    private transient ValueState<StoredPoint> point;
    private transient int parallelism;
    private transient int firstKeyGroup;

    /** @param storeKeys the keys the catalog addresses sweeps with (this operator's max parallelism) */
    public PointStore(KeyGroupKeys storeKeys) {
        this.storeKeys = storeKeys;
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
        if (w.delete()) {
            point.clear();
        } else {
            point.update(w.toStored());
        }
        output.collect(new StreamRecord<>(w));
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
        Object currentKey = getCurrentKey();
        getKeyedStateBackend().applyToAllKeys(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, POINT,
                (key, state) -> {
                    // The key names the collection: other collections' points are not even read.
                    if (key instanceof String k && k.startsWith(prefix)) {
                        StoredPoint p = state.value();
                        if (p != null && p.incarnation() <= sweep.incarnation()) {
                            state.clear();
                        }
                    }
                });
        setCurrentKey(currentKey);
        if (sweep.opId() != null) {
            output.collect(Tags.ACKS, new StreamRecord<>(
                    AckPart.stageApplied(sweep.opId(), STAGE, CollectionChange.DELETE_ACK_STAGES, parallelism)));
        }
    }
}
