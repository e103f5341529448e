package dev.sextant.job.operators;

import dev.sextant.index.CollectionConfig;
import dev.sextant.index.QdrantException;
import dev.sextant.index.payload.PayloadOperation;
import dev.sextant.index.payload.PayloadOperations;
import dev.sextant.index.payload.PointSelector;
import dev.sextant.job.kafka.DeadLetterSchema;
import dev.sextant.job.kafka.PointOpSchema;
import dev.sextant.job.kafka.PointOpSchema.InvalidOperation;
import dev.sextant.job.protocol.AckPart;
import dev.sextant.job.protocol.CatalogEntry;
import dev.sextant.job.protocol.CollectionChange;
import dev.sextant.job.protocol.CollectionSweep;
import dev.sextant.job.protocol.Json;
import dev.sextant.job.protocol.Outbound;
import dev.sextant.job.protocol.PointWrite;
import dev.sextant.job.protocol.RawRecord;
import dev.sextant.job.protocol.RoutedOperation;
import dev.sextant.job.protocol.StoreInput;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The authority on one collection, keyed by its name (design §3): every operation on the collection, creation,
 * deletion and point writes alike, meets that collection's entry here, in the order of its Kafka partition. So
 * an upsert that directly follows its {@code create_collection} is validated against that creation, whatever
 * the other stages have heard by then.
 *
 * <ul>
 *   <li>{@code create_collection}: the body's {@code vectors} are validated (400/422; 422 for a dimension above
 *       {@code sextant.collection.max-dimension}) and a live collection is
 *       refused (409 "Wrong input: Collection `c` already exists!"); otherwise the entry gets the next
 *       incarnation and a {@link CollectionChange} goes out ({@link Tags#CHANGES}, broadcast to the request
 *       planner and the index partitions).</li>
 *   <li>{@code delete_collection}: a missing collection is refused (404 "Not found: Collection `c` doesn't
 *       exist!"); otherwise the entry becomes a tombstone of its incarnation, the change goes out, and a
 *       {@link CollectionSweep} per key group goes to the point store (main output), in order with the writes
 *       emitted before it.</li>
 *   <li>{@code upsert}, {@code delete} and the payload operations ({@code set_payload}, {@code overwrite_payload},
 *       {@code delete_payload}, {@code clear_payload}; parsed by the {@code index} module's
 *       {@code PayloadOperations}): validated as a whole against the entry (404 when the collection does not
 *       exist, 400 for a bad body). An operation on listed points becomes one {@link PointWrite} per point (main
 *       output, to the point store keyed by {@code collection \0 id}), stamped with the incarnation, the
 *       partition and the operation's point count; an operation of no points is acknowledged at once. An
 *       operation by {@code filter} becomes a {@link CollectionSweep} per key group, like a deletion.</li>
 * </ul>
 * A refusal is a dead letter ({@link Tags#OUTBOUND}) and, with an {@code op_id}, a failed acknowledgment
 * ({@link Tags#ACKS}).
 *
 * <p>State: {@link #ENTRY} per collection name, the live entry or the tombstone of the last deleted incarnation,
 * kept for the life of the job so that incarnations of a name keep increasing across delete and re-create.
 */
public final class CollectionCatalog extends KeyedProcessFunction<String, RoutedOperation, StoreInput> {
    private static final long serialVersionUID = 1L;

    /** The collection's entry (live, or the tombstone of its last incarnation). */
    public static final ValueStateDescriptor<CatalogEntry> ENTRY = new ValueStateDescriptor<>("entry", CatalogEntry.class);

    /** The catalog as the other stages keep it (broadcast state, collection name → entry). */
    public static final MapStateDescriptor<String, CatalogEntry> BROADCAST =
            new MapStateDescriptor<>("catalog", String.class, CatalogEntry.class);

    private final String deadLetterTopic;
    private final PartitionKeys partitions;
    private final KeyGroupKeys storeKeys;
    private final int maxDimension;
    private transient ValueState<CatalogEntry> entry;
    private transient ConfigCache configs;
    private transient Counter deadLetters;
    private transient Counter pointWrites;

    /** A catalog accepting dimensions up to Qdrant's {@link CollectionConfig#MAX_DIMENSION}. */
    public CollectionCatalog(String deadLetterTopic, PartitionKeys partitions, KeyGroupKeys storeKeys) {
        this(deadLetterTopic, partitions, storeKeys, CollectionConfig.MAX_DIMENSION);
    }

    /**
     * @param partitions where each point lives
     * @param storeKeys the keys that reach every point-store subtask (the store's max parallelism)
     * @param maxDimension the largest vector size a {@code create_collection} may ask for (422 above it)
     */
    public CollectionCatalog(String deadLetterTopic, PartitionKeys partitions, KeyGroupKeys storeKeys, int maxDimension) {
        this.deadLetterTopic = deadLetterTopic;
        this.partitions = partitions;
        this.storeKeys = storeKeys;
        this.maxDimension = maxDimension;
    }

    @Override
    public void open(OpenContext openContext) {
        entry = getRuntimeContext().getState(ENTRY);
        configs = new ConfigCache();
        deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
        pointWrites = getRuntimeContext().getMetricGroup().counter("pointWrites");
    }

    @Override
    public void processElement(RoutedOperation routed, Context ctx, Collector<StoreInput> out) throws Exception {
        String opId = routed.opId();
        try {
            PointOpSchema.PointOp op = PointOpSchema.parse(routed.record().value());
            opId = op.opId();
            switch (op.op()) {
                case PointOpSchema.CREATE_COLLECTION -> create(op, ctx);
                case PointOpSchema.DELETE_COLLECTION -> drop(op, ctx, out);
                default -> write(op, ctx, out);
            }
        } catch (InvalidOperation e) {
            // The router's streaming read may have found the op_id where the whole parse cannot (a defect in the body).
            reject(routed.record(), e.opId() != null ? e.opId() : opId, e.error(), ctx);
        } catch (QdrantException e) {
            reject(routed.record(), opId, e, ctx);
        } catch (RuntimeException e) {
            // A bug must not stop the job on one record either; report it like bad input, with its type.
            reject(routed.record(), opId, new QdrantException(500, "Service internal error: " + e), ctx);
        }
    }

    private void create(PointOpSchema.PointOp op, Context ctx) throws Exception {
        if (op.body() == null) {
            throw QdrantException.badRequest("Format error in JSON body: missing field `body`");
        }
        CollectionConfig config = CollectionConfig.fromJson(op.body(), maxDimension);
        CatalogEntry current = entry.value();
        if (current != null && !current.deleted()) {
            // Create of a live collection: Qdrant's 409, the existing collection is untouched.
            throw QdrantException.conflict("Wrong input: Collection `" + op.collection() + "` already exists!");
        }
        long incarnation = current == null ? 1 : current.incarnation() + 1;
        CatalogEntry created = new CatalogEntry(op.collection(), incarnation, Json.write(config.toJson()), false);
        entry.update(created);
        ctx.output(Tags.CHANGES, new CollectionChange(created, op.opId()));
    }

    private void drop(PointOpSchema.PointOp op, Context ctx, Collector<StoreInput> out) throws Exception {
        CatalogEntry current = entry.value();
        if (current == null || current.deleted()) {
            throw QdrantException.collectionNotFound(op.collection());
        }
        CatalogEntry tombstone = new CatalogEntry(op.collection(), current.incarnation(), null, true);
        entry.update(tombstone);
        ctx.output(Tags.CHANGES, new CollectionChange(tombstone, op.opId()));
        sweep(current, CollectionSweep.DELETE_COLLECTION, null, op.opId(), out);
    }

    /**
     * Sends an operation on the collection's stored points to every point-store subtask, one copy per key group,
     * through the keyed input: so every subtask applies it after the writes emitted before it.
     */
    private void sweep(CatalogEntry live, String operation, String bodyJson, String opId, Collector<StoreInput> out) {
        for (int g = 0; g < storeKeys.keyGroups(); g++) {
            out.collect(StoreInput.of(new CollectionSweep(storeKeys.key(g), g, live.collection(), live.incarnation(),
                    live.configJson(), operation, bodyJson, opId)));
        }
    }

    private void write(PointOpSchema.PointOp op, Context ctx, Collector<StoreInput> out) throws Exception {
        CatalogEntry current = entry.value();
        CollectionConfig config = configs.config(current);
        if (config == null) {
            throw QdrantException.collectionNotFound(op.collection());
        }
        List<PointWrite> writes;
        if (op.op().equals(PointOpSchema.UPSERT)) {
            writes = PointOpBodies.upserts(op, current, config, partitions);
        } else if (op.op().equals(PointOpSchema.DELETE)) {
            PointSelector selector = PayloadOperations.deletePoints(op.body());
            if (selector instanceof PointSelector.Matching matching) {
                sweep(current, CollectionSweep.DELETE, PointOpBodies.deleteBody(matching), op.opId(), out);
                return;
            }
            writes = PointOpBodies.deletes(op, current, ((PointSelector.Ids) selector).ids(), partitions);
        } else {
            PayloadOperation operation = PayloadOperations.parse(op.op(), op.body());
            if (operation.selector() instanceof PointSelector.Matching) {
                sweep(current, operation.name(), Json.write(operation.toJson()), op.opId(), out);
                return;
            }
            writes = PointOpBodies.payloadChanges(op, current, operation,
                    ((PointSelector.Ids) operation.selector()).ids(), partitions);
        }
        if (writes.isEmpty() && op.opId() != null) {
            // Nothing to apply: the operation is complete now.
            ctx.output(Tags.ACKS, AckPart.empty(op.opId()));
        }
        pointWrites.inc(writes.size());
        for (PointWrite w : writes) {
            out.collect(StoreInput.of(w));
        }
    }

    private void reject(RawRecord record, String opId, QdrantException error, Context ctx) {
        deadLetters.inc();
        ctx.output(Tags.OUTBOUND, new Outbound(deadLetterTopic, record.position(),
                DeadLetterSchema.of(record, error.code(), error.getMessage(), opId)));
        if (opId != null) {
            ctx.output(Tags.ACKS, AckPart.failed(opId, error.code(), error.getMessage()));
        }
    }
}
