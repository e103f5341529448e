package dev.sextant.job.operators;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sextant.index.CollectionConfig;
import dev.sextant.index.Point;
import dev.sextant.index.PointId;
import dev.sextant.index.Points;
import dev.sextant.index.QdrantException;
import dev.sextant.job.kafka.DeadLetterSchema;
import dev.sextant.job.kafka.PointOpSchema;
import dev.sextant.job.kafka.PointOpSchema.InvalidOperation;
import dev.sextant.job.protocol.AckPart;
import dev.sextant.job.protocol.CatalogEntry;
import dev.sextant.job.protocol.CollectionChange;
import dev.sextant.job.protocol.Outbound;
import dev.sextant.job.protocol.PointWrite;
import dev.sextant.job.protocol.RawRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Turns {@code upsert} and {@code delete} operations into one {@link PointWrite} per point, validated against
 * the collection catalog (broadcast state {@link #CATALOG}).
 *
 * <p>An operation is validated as a whole before any of its points is emitted (Qdrant rejects the whole
 * batch): an unknown collection (404), a malformed body, a bad id, a wrong dimension, an unknown vector name
 * or a NaN/Infinity component (400) dead-letters the operation ({@link Tags#OUTBOUND}) and, with an
 * {@code op_id}, fails its acknowledgment ({@link Tags#ACKS}). A valid operation of N points emits N writes,
 * each stamped with the collection's incarnation, its partition and N (the acknowledgment waits for N
 * applied points); one of no points is acknowledged at once.
 *
 * <p>Catalog changes are applied to the broadcast state and reported as one {@link AckPart} per subtask
 * (stage {@link #STAGE}).
 */
public final class PointOpParser extends BroadcastProcessFunction<RawRecord, CollectionChange, PointWrite> {
    private static final long serialVersionUID = 1L;

    /** The collections this stage knows, by name; shared by every stage that keeps a catalog. */
    public static final MapStateDescriptor<String, CatalogEntry> CATALOG =
            new MapStateDescriptor<>("catalog", String.class, CatalogEntry.class);

    public static final String STAGE = "parser";

    private final String deadLetterTopic;
    private final PartitionKeys partitions;
    private transient ConfigCache configs;
    private transient int parallelism;
    private transient Counter deadLetters;
    private transient Counter pointWrites;

    public PointOpParser(String deadLetterTopic, PartitionKeys partitions) {
        this.deadLetterTopic = deadLetterTopic;
        this.partitions = partitions;
    }

    @Override
    public void open(OpenContext openContext) {
        configs = new ConfigCache();
        parallelism = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
        pointWrites = getRuntimeContext().getMetricGroup().counter("pointWrites");
    }

    @Override
    public void processElement(RawRecord record, ReadOnlyContext ctx, Collector<PointWrite> out) throws Exception {
        List<PointWrite> writes;
        String opId = null;
        try {
            PointOpSchema.PointOp op = PointOpSchema.parse(record.value());
            opId = op.opId();
            CatalogEntry entry = ctx.getBroadcastState(CATALOG).get(op.collection());
            CollectionConfig config = configs.config(entry);
            if (config == null) {
                throw QdrantException.collectionNotFound(op.collection());
            }
            writes = op.op().equals(PointOpSchema.UPSERT) ? upserts(op, entry, config) : deletes(op, entry);
        } catch (InvalidOperation e) {
            reject(record, e.opId(), e.error(), ctx);
            return;
        } catch (QdrantException e) {
            reject(record, opId, e, ctx);
            return;
        } catch (RuntimeException e) {
            reject(record, opId, new QdrantException(500, "Service internal error: " + e), ctx);
            return;
        }
        if (writes.isEmpty() && opId != null) {
            // Nothing to apply: the operation is complete now.
            ctx.output(Tags.ACKS, AckPart.empty(opId));
        }
        pointWrites.inc(writes.size());
        writes.forEach(out::collect);
    }

    private List<PointWrite> upserts(PointOpSchema.PointOp op, CatalogEntry entry, CollectionConfig config) {
        JsonNode points = requireArray(op.body(), "points",
                "Format error in JSON body: missing field `points` (the `batch` form is not supported)");
        List<PointWrite> writes = new ArrayList<>(points.size());
        for (JsonNode node : points) {
            Point p = Points.fromJson(config, node);
            String[] names = new String[p.vectors().size()];
            float[][] vectors = new float[names.length][];
            int i = 0;
            for (Map.Entry<String, float[]> v : p.vectors().entrySet()) {
                names[i] = v.getKey();
                vectors[i++] = v.getValue();
            }
            writes.add(new PointWrite(op.collection(), entry.incarnation(), entry.configJson(), p.id(),
                    partitions.partitionOf(op.collection(), p.id()), false, names, vectors,
                    p.payload() == null ? null : p.payload().toString(), op.opId(), points.size()));
        }
        return writes;
    }

    private List<PointWrite> deletes(PointOpSchema.PointOp op, CatalogEntry entry) {
        if (op.body() != null && op.body().has("filter") && !op.body().has("points")) {
            throw QdrantException.badRequest("Format error in JSON body: delete by `filter` is not supported;"
                    + " list the point ids in `points`");
        }
        JsonNode ids = requireArray(op.body(), "points", "Format error in JSON body: missing field `points`");
        List<PointWrite> writes = new ArrayList<>(ids.size());
        for (JsonNode node : ids) {
            PointId id = PointId.fromJson(node);
            writes.add(new PointWrite(op.collection(), entry.incarnation(), entry.configJson(), id,
                    partitions.partitionOf(op.collection(), id), true, null, null, null, op.opId(), ids.size()));
        }
        return writes;
    }

    private static JsonNode requireArray(JsonNode body, String field, String missing) {
        if (body == null || !body.isObject()) {
            throw QdrantException.badRequest("Format error in JSON body: missing field `body`");
        }
        JsonNode array = body.get(field);
        if (array == null || array.isNull()) {
            throw QdrantException.badRequest(missing);
        }
        if (!array.isArray()) {
            throw QdrantException.badRequest("Format error in JSON body: `" + field + "` must be an array");
        }
        return array;
    }

    private void reject(RawRecord record, String opId, QdrantException error, ReadOnlyContext ctx) {
        deadLetters.inc();
        ctx.output(Tags.OUTBOUND, new Outbound(deadLetterTopic, record.position(),
                DeadLetterSchema.of(record, error.code(), error.getMessage(), opId)));
        if (opId != null) {
            ctx.output(Tags.ACKS, AckPart.failed(opId, error.code(), error.getMessage()));
        }
    }

    @Override
    public void processBroadcastElement(CollectionChange change, Context ctx, Collector<PointWrite> out)
            throws Exception {
        ctx.getBroadcastState(CATALOG).put(change.collection(), change.entry());
        if (change.opId() != null) {
            ctx.output(Tags.ACKS, AckPart.stageApplied(change.opId(), STAGE, parallelism));
        }
    }
}
