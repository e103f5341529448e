package dev.sextant.job.operators;

import dev.sextant.job.kafka.AckSchema;
import dev.sextant.job.protocol.AckPart;
import dev.sextant.job.protocol.Outbound;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Counts the {@link AckPart}s of each operation (keyed by {@code op_id}) and writes exactly one
 * acknowledgment when it is complete: {@code {"op_id":…,"status":"completed"}} once {@code groups} groups have
 * each received the parts they expect, or the error of a rejection at once (design §4). An operation some of
 * whose points failed (a listed id that names no point) is answered once complete, with the error of its
 * failing part of lowest rank.
 *
 * <p>A safety deadline of {@code timeoutMs} after the first part answers an operation that never completes
 * (only possible when clients reuse an {@code op_id} for overlapping operations) with a 504 error, so no state
 * outlives it. Every path ends with no state and no timer left for the key.
 */
public final class AckCollector extends KeyedProcessFunction<String, AckPart, Outbound> {
    private static final long serialVersionUID = 1L;

    /** Group → {expected, raised, received} parts. */
    public static final MapStateDescriptor<String, int[]> PROGRESS =
            new MapStateDescriptor<>("progress", String.class, int[].class);
    public static final ValueStateDescriptor<Long> DEADLINE = new ValueStateDescriptor<>("deadline", Long.class);
    /** The failed part of lowest rank so far, for an operation that fails once complete. */
    public static final ValueStateDescriptor<AckPart> FIRST_ERROR = new ValueStateDescriptor<>("first error", AckPart.class);

    private final String resultsTopic;
    private final long timeoutMs;
    private transient MapState<String, int[]> progress;
    private transient ValueState<Long> deadline;
    private transient ValueState<AckPart> firstError;
    private transient Counter completed;
    private transient Counter failed;

    public AckCollector(String resultsTopic, long timeoutMs) {
        this.resultsTopic = resultsTopic;
        this.timeoutMs = timeoutMs;
    }

    @Override
    public void open(OpenContext openContext) {
        progress = getRuntimeContext().getMapState(PROGRESS);
        deadline = getRuntimeContext().getState(DEADLINE);
        firstError = getRuntimeContext().getState(FIRST_ERROR);
        completed = getRuntimeContext().getMetricGroup().counter("acksCompleted");
        failed = getRuntimeContext().getMetricGroup().counter("acksFailed");
    }

    @Override
    public void processElement(AckPart part, Context ctx, Collector<Outbound> out) throws Exception {
        String opId = ctx.getCurrentKey();
        if (part.rejects()) {
            clear(ctx);
            failed.inc();
            out.collect(new Outbound(resultsTopic, opId, AckSchema.failed(opId, part.code(), part.error())));
            return;
        }
        int[] counts = progress.get(part.group());
        counts = counts == null
                ? new int[] {part.expected(), part.raise(), part.count()}
                : new int[] {Math.max(counts[0], part.expected()), counts[1] + part.raise(), counts[2] + part.count()};
        progress.put(part.group(), counts);
        if (part.code() != 0 && (firstError.value() == null || part.rank() < firstError.value().rank())) {
            firstError.update(part);
        }
        if (complete(part.groups())) {
            AckPart error = firstError.value();
            clear(ctx);
            if (error == null) {
                completed.inc();
                out.collect(new Outbound(resultsTopic, opId, AckSchema.completed(opId)));
            } else {
                failed.inc();
                out.collect(new Outbound(resultsTopic, opId, AckSchema.failed(opId, error.code(), error.error())));
            }
        } else if (deadline.value() == null) {
            long at = ctx.timerService().currentProcessingTime() + timeoutMs;
            deadline.update(at);
            ctx.timerService().registerProcessingTimeTimer(at);
        }
    }

    private boolean complete(int groups) throws Exception {
        int done = 0;
        for (Map.Entry<String, int[]> e : progress.entries()) {
            int[] counts = e.getValue();
            if (counts[2] < counts[0] + counts[1]) {
                return false;
            }
            done++;
        }
        return done >= groups;
    }

    private void clear(Context ctx) throws Exception {
        Long at = deadline.value();
        if (at != null) {
            ctx.timerService().deleteProcessingTimeTimer(at);
        }
        deadline.clear();
        progress.clear();
        firstError.clear();
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Outbound> out) throws Exception {
        String opId = ctx.getCurrentKey();
        deadline.clear();
        progress.clear();
        firstError.clear();
        failed.inc();
        out.collect(new Outbound(resultsTopic, opId, AckSchema.failed(opId, 504,
                "Timeout error: the operation was not applied within " + timeoutMs + " ms")));
    }
}
