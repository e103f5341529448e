package dev.sextant.job.operators;

import dev.sextant.job.protocol.AckPart;
import dev.sextant.job.protocol.CatalogEntry;
import dev.sextant.job.protocol.CollectionChange;
import dev.sextant.job.protocol.Lookup;
import dev.sextant.job.protocol.LookupResult;
import dev.sextant.job.protocol.PointWrite;
import dev.sextant.job.protocol.StoreInput;
import dev.sextant.job.protocol.StoredPoint;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The latest version of every point, keyed by {@code collection \0 id} (design §1): every write passes through
 * here on its way to the index partitions, and requests look their example ids up here.
 *
 * <ul>
 *   <li>A write of a live or newer incarnation replaces (or, for a delete, clears) the stored point and goes
 *       on to the partitions (main output). A write of a stale incarnation (collection deleted or re-created
 *       since it was validated) is dropped and counted as applied ({@link Tags#ACKS}), so its operation's
 *       acknowledgment still completes.</li>
 *   <li>A {@link Lookup} is answered with a {@link LookupResult} ({@link Tags#LOOKUP_RESULTS}): found only when
 *       the stored point belongs to the incarnation the request was planned against.</li>
 *   <li>A collection deletion clears every stored point of that incarnation or older, across all keys of the
 *       subtask; every catalog change is acknowledged per subtask (stage {@link #STAGE}).</li>
 * </ul>
 *
 * <p>State: {@link #POINT} per key, the catalog ({@link PointOpParser#CATALOG}) as broadcast state.
 */
public final class PointStore extends KeyedBroadcastProcessFunction<String, StoreInput, CollectionChange, PointWrite> {
    private static final long serialVersionUID = 1L;

    public static final ValueStateDescriptor<StoredPoint> POINT = new ValueStateDescriptor<>("point", StoredPoint.class);
    public static final String STAGE = "store";

    private transient ValueState<StoredPoint> point;
    private transient int parallelism;

    @Override
    public void open(OpenContext openContext) {
        point = getRuntimeContext().getState(POINT);
        parallelism = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
    }

    @Override
    public void processElement(StoreInput input, ReadOnlyContext ctx, Collector<PointWrite> out) throws Exception {
        if (input.write() != null) {
            write(input.write(), ctx, out);
        } else {
            lookup(input.lookup(), ctx);
        }
    }

    private void write(PointWrite w, ReadOnlyContext ctx, Collector<PointWrite> out) throws Exception {
        CatalogEntry entry = ctx.getBroadcastState(PointOpParser.CATALOG).get(w.collection());
        if (entry != null && entry.isStale(w.incarnation())) {
            // Validated against an incarnation that has since been deleted: nothing to apply.
            if (w.opId() != null) {
                ctx.output(Tags.ACKS, AckPart.point(w.opId(), w.opPoints()));
            }
            return;
        }
        // Live, or newer than this subtask's catalog (the change is still on its way): apply.
        if (w.delete()) {
            point.clear();
        } else {
            point.update(w.toStored());
        }
        out.collect(w);
    }

    private void lookup(Lookup lookup, ReadOnlyContext ctx) throws Exception {
        StoredPoint stored = point.value();
        if (stored != null && stored.incarnation() != lookup.incarnation()) {
            CatalogEntry entry = ctx.getBroadcastState(PointOpParser.CATALOG).get(stored.collection());
            if (entry != null && entry.isStale(stored.incarnation())) {
                // A leftover of a deleted incarnation that the deletion sweep has not reached: drop it now.
                point.clear();
            }
            stored = null;
        }
        ctx.output(Tags.LOOKUP_RESULTS, stored == null
                ? new LookupResult(lookup.ref(), lookup.collection(), lookup.id(), false, null, null)
                : new LookupResult(lookup.ref(), lookup.collection(), lookup.id(), true, stored.vectorNames(),
                        stored.vectors()));
    }

    @Override
    public void processBroadcastElement(CollectionChange change, Context ctx, Collector<PointWrite> out)
            throws Exception {
        CatalogEntry entry = change.entry();
        ctx.getBroadcastState(PointOpParser.CATALOG).put(entry.collection(), entry);
        if (entry.deleted()) {
            // Sweep the deleted incarnation's points out of this subtask's state.
            ctx.applyToKeyedState(POINT, (key, state) -> {
                StoredPoint p = state.value();
                if (p != null && p.collection().equals(entry.collection()) && p.incarnation() <= entry.incarnation()) {
                    state.clear();
                }
            });
        }
        if (change.opId() != null) {
            ctx.output(Tags.ACKS, AckPart.stageApplied(change.opId(), STAGE, parallelism));
        }
    }
}
