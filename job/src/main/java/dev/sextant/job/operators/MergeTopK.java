package dev.sextant.job.operators;

import dev.sextant.index.search.ResultMerge;
import dev.sextant.index.search.ScoredPoint;
import dev.sextant.job.kafka.ResponseSchema;
import dev.sextant.job.protocol.Hit;
import dev.sextant.job.protocol.Outbound;
import dev.sextant.job.protocol.PartialResult;
import dev.sextant.job.protocol.RequestRef;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Merges the {@link PartialResult}s of a request (keyed by ticket) into its one response, once every index
 * subtask has answered ({@code subtasks} partials).
 *
 * <p>Per search, the partials' hits are merged in result order (score, then id; decision D4) and the page
 * {@code offset .. offset + limit} is taken ({@code ResultMerge}). A partial carrying an error answers the
 * request with it. A response larger than {@code maxMessageBytes} is replaced by a 400 error (it could not be
 * written to Kafka).
 *
 * <p>Deadline: a request not complete {@code timeoutMs} after its receipt is answered with a 504 error, and a
 * tombstone ({@link #TIMED_OUT}, cleared after another {@code timeoutMs}) drops its late partials. Every path
 * ends with no state and no timer left for the ticket.
 */
public final class MergeTopK extends KeyedProcessFunction<String, PartialResult, Outbound> {
    private static final long serialVersionUID = 1L;

    public static final ListStateDescriptor<PartialResult> PARTIALS =
            new ListStateDescriptor<>("partials", PartialResult.class);
    public static final ValueStateDescriptor<Boolean> TIMED_OUT = new ValueStateDescriptor<>("timed out", Boolean.class);

    private final long timeoutMs;
    private final int maxMessageBytes;
    private transient ListState<PartialResult> partials;
    private transient ValueState<Boolean> timedOut;
    private transient Counter responses;
    private transient Counter timeouts;
    private transient Histogram requestTimeMs;

    public MergeTopK(long timeoutMs, int maxMessageBytes) {
        this.timeoutMs = timeoutMs;
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    public void open(OpenContext openContext) {
        partials = getRuntimeContext().getListState(PARTIALS);
        timedOut = getRuntimeContext().getState(TIMED_OUT);
        var metrics = getRuntimeContext().getMetricGroup();
        responses = metrics.counter("responses");
        timeouts = metrics.counter("timeouts");
        // The response's time, receipt to answer, over the last 1,000 answered requests.
        requestTimeMs = metrics.histogram("requestTimeMs", new DescriptiveStatisticsHistogram(1_000));
    }

    @Override
    public void processElement(PartialResult partial, Context ctx, Collector<Outbound> out) throws Exception {
        if (timedOut.value() != null) {
            return; // a late partial of a request already answered with a timeout
        }
        partials.add(partial);
        List<PartialResult> all = new ArrayList<>();
        partials.get().forEach(all::add);
        long deadline = partial.ref().deadlineMillis(timeoutMs);
        if (all.size() < partial.subtasks()) {
            ctx.timerService().registerProcessingTimeTimer(deadline);
            return;
        }
        ctx.timerService().deleteProcessingTimeTimer(deadline);
        partials.clear();
        RequestRef ref = partial.ref();
        if (ctx.timerService().currentProcessingTime() >= deadline) {
            out.collect(error(ref, 504, timeoutMessage()));
            return;
        }
        out.collect(respond(ref, all));
        responses.inc();
        requestTimeMs.update(Math.round(ref.elapsedSeconds(RequestPlanner.nowMicros()) * 1000));
    }

    private Outbound respond(RequestRef ref, List<PartialResult> all) {
        for (PartialResult p : all) {
            if (p.errorCode() != 0) {
                return error(ref, p.errorCode(), p.error());
            }
        }
        PartialResult first = all.get(0);
        int searches = first.hits().length;
        List<List<Hit>> results = new ArrayList<>(searches);
        for (int s = 0; s < searches; s++) {
            results.add(merge(all, s, first.ascending()[s], first.offsets()[s], first.limits()[s]));
        }
        String json = ResponseSchema.ok(ref.requestId(), ref.elapsedSeconds(RequestPlanner.nowMicros()), results,
                first.batch());
        int bytes = json.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > maxMessageBytes) {
            // The response could not be written to Kafka; say so instead.
            return error(ref, 400, "Bad request: the response of " + bytes + " bytes exceeds sextant.max-message-bytes ("
                    + maxMessageBytes + "); ask for fewer points, or without payload or vectors");
        }
        return new Outbound(ref.replyTo(), ref.requestId(), json);
    }

    /** Merges search {@code s} of every partial; public for tests. */
    static List<Hit> merge(List<PartialResult> all, int s, boolean ascending, int offset, int limit) {
        List<List<ScoredPoint>> lists = new ArrayList<>(all.size());
        Map<dev.sextant.index.PointId, Hit> byId = new HashMap<>();
        for (PartialResult p : all) {
            List<ScoredPoint> list = new ArrayList<>(p.hits()[s].length);
            for (Hit h : p.hits()[s]) {
                list.add(new ScoredPoint(h.id(), h.score(), null, null));
                byId.put(h.id(), h);
            }
            lists.add(list);
        }
        List<ScoredPoint> page = ResultMerge.merge(lists, ascending, offset, limit);
        List<Hit> hits = new ArrayList<>(page.size());
        for (ScoredPoint sp : page) {
            hits.add(byId.get(sp.id()));
        }
        return hits;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Outbound> out) throws Exception {
        if (timedOut.value() != null) {
            timedOut.clear(); // the tombstone's time is up
            return;
        }
        RequestRef ref = null;
        for (PartialResult p : partials.get()) {
            ref = p.ref();
        }
        partials.clear();
        if (ref == null) {
            return;
        }
        out.collect(error(ref, 504, timeoutMessage()));
        timedOut.update(true);
        ctx.timerService().registerProcessingTimeTimer(timestamp + timeoutMs);
    }

    private Outbound error(RequestRef ref, int code, String message) {
        if (code == 504) {
            timeouts.inc();
        }
        return new Outbound(ref.replyTo(), ref.requestId(),
                ResponseSchema.error(ref.requestId(), code, message, ref.elapsedSeconds(RequestPlanner.nowMicros())));
    }

    private String timeoutMessage() {
        return "Timeout error: the request was not answered within " + timeoutMs + " ms";
    }
}
