package dev.sextant.job.operators;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sextant.index.CollectionConfig;
import dev.sextant.index.QdrantException;
import dev.sextant.index.query.ExampleRef;
import dev.sextant.index.query.QueryParser;
import dev.sextant.index.query.QueryRequest;
import dev.sextant.index.query.RequestLimits;
import dev.sextant.job.kafka.ReplyTopics;
import dev.sextant.job.kafka.RequestSchema;
import dev.sextant.job.kafka.ResponseSchema;
import dev.sextant.job.protocol.AckPart;
import dev.sextant.job.protocol.CatalogEntry;
import dev.sextant.job.protocol.CollectionChange;
import dev.sextant.job.protocol.Json;
import dev.sextant.job.protocol.Lookup;
import dev.sextant.job.protocol.Outbound;
import dev.sextant.job.protocol.PlannedRequest;
import dev.sextant.job.protocol.RawRecord;
import dev.sextant.job.protocol.RequestRef;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * First stage of the requests topic: reads a request, checks it against the catalog, and plans its example
 * lookups (design §1).
 *
 * <p>Per request, in order: the message must be a JSON object (else a 400 response keyed by the generated
 * id {@code topic-partition-offset}); {@code reply_to} must be a topic name (else a 400 on the results
 * topic that exists, per {@link ReplyTopics}); the envelope and body must parse ({@code QueryParser}; 400/422), stay
 * within the job's {@link RequestLimits} (400 naming the option), and pass
 * {@code QueryRequest.validate} against the broadcast catalog (404 unknown collection, 400 vector name or
 * dimension). Every error is one response ({@link Tags#OUTBOUND}) and the end of the request. A valid request
 * becomes a {@link PlannedRequest} (main output, to {@code RequestResolver}) carrying the catalog entries it
 * was judged against, plus one {@link Lookup} per distinct example point ({@link Tags#LOOKUPS}). Receipt time
 * is taken here.
 *
 * <p>Catalog changes are applied to the broadcast state and acknowledged per subtask (stage {@link #STAGE}).
 */
public final class RequestPlanner extends BroadcastProcessFunction<RawRecord, CollectionChange, PlannedRequest> {
    private static final long serialVersionUID = 1L;

    public static final String STAGE = "planner";

    private final String resultsTopic;
    private final int maxMessageBytes;
    private final RequestLimits limits;
    private final ReplyTopics replyTopics;
    private transient ConfigCache configs;
    private transient int parallelism;
    private transient Counter requests;
    private transient Counter errorResponses;

    /** A planner under {@link RequestLimits#DEFAULTS}. */
    public RequestPlanner(String resultsTopic, int maxMessageBytes, ReplyTopics replyTopics) {
        this(resultsTopic, maxMessageBytes, RequestLimits.DEFAULTS, replyTopics);
    }

    /**
     * @param resultsTopic where responses go without {@code reply_to}
     * @param maxMessageBytes larger request messages are answered with a 400
     * @param limits Sextant's bounds on a request (400 when exceeded, naming the option)
     * @param replyTopics which {@code reply_to} topics exist (a request naming another one gets a 400)
     */
    public RequestPlanner(String resultsTopic, int maxMessageBytes, RequestLimits limits, ReplyTopics replyTopics) {
        this.resultsTopic = resultsTopic;
        this.maxMessageBytes = maxMessageBytes;
        this.limits = limits;
        this.replyTopics = replyTopics;
    }

    @Override
    public void open(OpenContext openContext) {
        configs = new ConfigCache();
        parallelism = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        requests = getRuntimeContext().getMetricGroup().counter("requests");
        errorResponses = getRuntimeContext().getMetricGroup().counter("errorResponses");
    }

    /** Wall-clock time in µs since the epoch (the JDK clock has µs resolution on Linux). */
    static long nowMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    @Override
    public void processElement(RawRecord record, ReadOnlyContext ctx, Collector<PlannedRequest> out) throws Exception {
        long received = nowMicros();
        requests.inc();
        String ticket = record.position();
        RequestRef ref = new RequestRef(ticket, ticket, resultsTopic, received);
        try {
            if (record.valueSize() > maxMessageBytes) {
                throw QdrantException.badRequest("Message of " + record.valueSize()
                        + " bytes exceeds sextant.max-message-bytes (" + maxMessageBytes + ")");
            }
            JsonNode root = RequestSchema.readRoot(record.value());
            String requestId = RequestSchema.requestId(root);
            ref = new RequestRef(ticket, requestId != null ? requestId : ticket, resultsTopic, received);
            String replyTo = RequestSchema.replyTo(root);
            if (replyTo != null && !replyTo.equals(resultsTopic) && !replyTopics.exists(replyTo)) {
                // Writing to a missing topic would fail the sink, and with it the job.
                throw QdrantException.badRequest("Bad request: reply_to topic `" + replyTo + "` does not exist");
            }
            if (replyTo != null) {
                ref = new RequestRef(ticket, ref.requestId(), replyTo, received);
            }
            RequestSchema.Request request = RequestSchema.envelope(root);
            plan(ref, request, ctx.getBroadcastState(CollectionCatalog.BROADCAST), ctx, out);
        } catch (QdrantException e) {
            respondError(ref, e.code(), e.getMessage(), ctx);
        } catch (RuntimeException e) {
            // A bug must not stop the job on one request: answer it as Qdrant answers its own failures.
            respondError(ref, 500, "Service internal error: " + e, ctx);
        }
    }

    private void plan(RequestRef ref, RequestSchema.Request request, ReadOnlyBroadcastState<String, CatalogEntry> catalog,
            ReadOnlyContext ctx, Collector<PlannedRequest> out) throws Exception {
        List<QueryRequest> searches = request.batch()
                ? QueryParser.parseBatch(request.body(), limits)
                : List.of(QueryParser.parse(request.body(), limits));
        // Remember every entry the validation consulted, so resolution sees the same catalog.
        Map<String, CatalogEntry> consulted = new LinkedHashMap<>();
        Function<String, CollectionConfig> catalogFn = name -> {
            try {
                CatalogEntry e = catalog.get(name);
                if (e != null) {
                    consulted.put(name, e);
                }
                return configs.config(e);
            } catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        };
        // Checked even for an empty batch, whose searches consult no catalog entry: the resolver needs the
        // searched collection's entry, and Qdrant answers an unknown collection with 404 whatever the body.
        if (catalogFn.apply(request.collection()) == null) {
            throw QdrantException.collectionNotFound(request.collection());
        }
        Set<ExampleRef> examples = new LinkedHashSet<>();
        for (QueryRequest search : searches) {
            search.validate(request.collection(), catalogFn);
        }
        for (QueryRequest search : searches) {
            examples.addAll(search.exampleIds(request.collection()));
        }
        out.collect(new PlannedRequest(ref, request.batch(), request.collection(), Json.write(request.body()),
                consulted.values().toArray(new CatalogEntry[0]), examples.size()));
        for (ExampleRef example : examples) {
            CatalogEntry entry = consulted.get(example.collection());
            ctx.output(Tags.LOOKUPS, new Lookup(ref, example.collection(), entry.incarnation(), example.id()));
        }
    }

    private void respondError(RequestRef ref, int code, String message, ReadOnlyContext ctx) {
        errorResponses.inc();
        ctx.output(Tags.OUTBOUND, new Outbound(ref.replyTo(), ref.requestId(),
                ResponseSchema.error(ref.requestId(), code, message, ref.elapsedSeconds(nowMicros()))));
    }

    @Override
    public void close() throws Exception {
        replyTopics.close();
        super.close();
    }

    @Override
    public void processBroadcastElement(CollectionChange change, Context ctx, Collector<PlannedRequest> out)
            throws Exception {
        ctx.getBroadcastState(CollectionCatalog.BROADCAST).put(change.collection(), change.entry());
        if (change.opId() != null) {
            ctx.output(Tags.ACKS, AckPart.stageApplied(change.opId(), STAGE, change.ackStages(), parallelism));
        }
    }
}
