package dev.sextant.job.operators;

import dev.sextant.index.CollectionConfig;
import dev.sextant.index.Point;
import dev.sextant.index.QdrantException;
import dev.sextant.index.query.ExampleRef;
import dev.sextant.index.query.QueryParser;
import dev.sextant.index.query.QueryRequest;
import dev.sextant.index.query.RequestLimits;
import dev.sextant.index.query.ResolvedQuery;
import dev.sextant.job.kafka.ResponseSchema;
import dev.sextant.job.protocol.CatalogEntry;
import dev.sextant.job.protocol.Json;
import dev.sextant.job.protocol.LookupResult;
import dev.sextant.job.protocol.Outbound;
import dev.sextant.job.protocol.PlannedRequest;
import dev.sextant.job.protocol.RequestRef;
import dev.sextant.job.protocol.ResolvedRequest;
import dev.sextant.job.protocol.StoredPoint;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Joins a {@link PlannedRequest} with the {@link LookupResult}s of its example points (keyed by ticket; either
 * may arrive first) and replaces every example id by its stored vector (design §1).
 *
 * <p>When the plan and all its lookups are in, each search is resolved with {@code QueryRequest.resolve}
 * against the catalog snapshot the planner took: an unknown id (404), a point lacking the named vector (404)
 * or a dimension mismatch through {@code lookup_from} (400) becomes an error response ({@link Tags#OUTBOUND});
 * otherwise a {@link ResolvedRequest} (main output) is broadcast to the index partitions. A batch fails as a
 * whole with its first error (D7).
 *
 * <p>Deadline: a request not resolved {@code timeoutMs} after its receipt is answered with a 504 error; a
 * short-lived tombstone ({@link #TIMED_OUT}, cleared after another {@code timeoutMs}) keeps late lookups of
 * that request from starting new state. Every path ends with no state and no timer left for the ticket.
 */
public final class RequestResolver extends KeyedCoProcessFunction<String, PlannedRequest, LookupResult, ResolvedRequest> {
    private static final long serialVersionUID = 1L;

    public static final ValueStateDescriptor<PlannedRequest> PLAN = new ValueStateDescriptor<>("plan", PlannedRequest.class);
    public static final MapStateDescriptor<String, LookupResult> LOOKUPS =
            new MapStateDescriptor<>("lookups", String.class, LookupResult.class);
    public static final ValueStateDescriptor<Boolean> TIMED_OUT = new ValueStateDescriptor<>("timed out", Boolean.class);

    private final long timeoutMs;
    private transient ValueState<PlannedRequest> plan;
    private transient MapState<String, LookupResult> lookups;
    private transient ValueState<Boolean> timedOut;
    private transient Counter errorResponses;
    private transient Counter timeouts;

    public RequestResolver(long timeoutMs) {
        this.timeoutMs = timeoutMs;
    }

    @Override
    public void open(OpenContext openContext) {
        plan = getRuntimeContext().getState(PLAN);
        lookups = getRuntimeContext().getMapState(LOOKUPS);
        timedOut = getRuntimeContext().getState(TIMED_OUT);
        errorResponses = getRuntimeContext().getMetricGroup().counter("errorResponses");
        timeouts = getRuntimeContext().getMetricGroup().counter("timeouts");
    }

    @Override
    public void processElement1(PlannedRequest planned, Context ctx, Collector<ResolvedRequest> out) throws Exception {
        if (timedOut.value() != null) {
            return; // already answered with a timeout
        }
        plan.update(planned);
        ctx.timerService().registerProcessingTimeTimer(planned.ref().deadlineMillis(timeoutMs));
        tryResolve(ctx, out);
    }

    @Override
    public void processElement2(LookupResult result, Context ctx, Collector<ResolvedRequest> out) throws Exception {
        if (timedOut.value() != null) {
            return; // a late lookup of a request already answered with a timeout
        }
        lookups.put(PointKey.of(result.collection(), result.id()), result);
        ctx.timerService().registerProcessingTimeTimer(result.ref().deadlineMillis(timeoutMs));
        tryResolve(ctx, out);
    }

    private void tryResolve(Context ctx, Collector<ResolvedRequest> out) throws Exception {
        PlannedRequest p = plan.value();
        if (p == null) {
            return;
        }
        Map<String, LookupResult> found = new HashMap<>();
        for (Map.Entry<String, LookupResult> e : lookups.entries()) {
            found.put(e.getKey(), e.getValue());
        }
        if (found.size() < p.lookups()) {
            return;
        }
        clear(ctx, p.ref());
        if (ctx.timerService().currentProcessingTime() >= p.ref().deadlineMillis(timeoutMs)) {
            // Complete, but too late: the answer would be a timeout anyway.
            respondError(p.ref(), 504, timeoutMessage(), ctx);
            return;
        }
        try {
            out.collect(resolve(p, found));
        } catch (QdrantException e) {
            respondError(p.ref(), e.code(), e.getMessage(), ctx);
        } catch (RuntimeException e) {
            respondError(p.ref(), 500, "Service internal error: " + e, ctx);
        }
    }

    /** Resolves every search of the plan; public for tests. */
    static ResolvedRequest resolve(PlannedRequest p, Map<String, LookupResult> found) {
        ConfigCache configs = new ConfigCache();
        Map<String, CatalogEntry> snapshot = new HashMap<>();
        for (CatalogEntry e : p.catalog()) {
            snapshot.put(e.collection(), e);
        }
        java.util.function.Function<String, CollectionConfig> catalog = name -> configs.config(snapshot.get(name));
        java.util.function.Function<ExampleRef, Point> stored = ref -> {
            LookupResult r = found.get(PointKey.of(ref.collection(), ref.id()));
            return r == null || !r.found() ? null
                    : new Point(r.id(), StoredPoint.vectorMap(r.vectorNames(), r.vectors()), null);
        };
        var body = Json.readTrusted(p.bodyJson());
        // The planner accepted this body under the job's limits, which may be above the defaults.
        List<QueryRequest> searches = p.batch()
                ? QueryParser.parseBatch(body, RequestLimits.NONE)
                : List.of(QueryParser.parse(body, RequestLimits.NONE));
        String[] queries = new String[searches.size()];
        for (int i = 0; i < queries.length; i++) {
            ResolvedQuery q = searches.get(i).resolve(p.collection(), catalog, stored);
            queries[i] = q.toJson();
        }
        CatalogEntry searched = snapshot.get(p.collection());
        return new ResolvedRequest(p.ref(), p.batch(), p.collection(), searched.incarnation(), searched.configJson(),
                queries);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ResolvedRequest> out) throws Exception {
        if (timedOut.value() != null) {
            // The tombstone's time is up.
            timedOut.clear();
            return;
        }
        RequestRef ref = plan.value() != null ? plan.value().ref() : anyLookupRef();
        if (ref == null) {
            return;
        }
        clear(ctx, ref);
        respondError(ref, 504, timeoutMessage(), ctx);
        timedOut.update(true);
        ctx.timerService().registerProcessingTimeTimer(timestamp + timeoutMs);
    }

    private RequestRef anyLookupRef() throws Exception {
        for (LookupResult r : lookups.values()) {
            return r.ref();
        }
        return null;
    }

    private void clear(Context ctx, RequestRef ref) {
        ctx.timerService().deleteProcessingTimeTimer(ref.deadlineMillis(timeoutMs));
        plan.clear();
        lookups.clear();
    }

    private String timeoutMessage() {
        return "Timeout error: the request was not answered within " + timeoutMs + " ms";
    }

    private void respondError(RequestRef ref, int code, String message, Context ctx) {
        errorResponses.inc();
        if (code == 504) {
            timeouts.inc();
        }
        ctx.output(Tags.OUTBOUND, new Outbound(ref.replyTo(), ref.requestId(),
                ResponseSchema.error(ref.requestId(), code, message, ref.elapsedSeconds(RequestPlanner.nowMicros()))));
    }
}
