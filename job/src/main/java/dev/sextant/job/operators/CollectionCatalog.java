package dev.sextant.job.operators;

import dev.sextant.index.QdrantException;
import dev.sextant.job.kafka.DeadLetterSchema;
import dev.sextant.job.protocol.AckPart;
import dev.sextant.job.protocol.CatalogEntry;
import dev.sextant.job.protocol.CollectionChange;
import dev.sextant.job.protocol.CollectionCommand;
import dev.sextant.job.protocol.Outbound;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The one authority on which collections exist (design §3). Keyed by the constant {@link #KEY}, so every
 * collection operation meets the same state in one order.
 *
 * <p>A create of a name that exists is rejected (409 "Wrong input: Collection `c` already exists!"), a delete
 * of a name that does not is rejected (404 "Not found: Collection `c` doesn't exist!"); a rejection becomes a
 * dead letter ({@link Tags#OUTBOUND}) and a failed acknowledgment ({@link Tags#ACKS}). An accepted change gets
 * the next incarnation number (creates) or names the incarnation it ends (deletes) and goes out as a
 * {@link CollectionChange}, broadcast to every stage that keeps a catalog; those stages acknowledge it.
 *
 * <p>State: the live collections ({@link #COLLECTIONS}) and the next incarnation ({@link #NEXT_INCARNATION});
 * both live as long as the job.
 */
public final class CollectionCatalog extends KeyedProcessFunction<String, CollectionCommand, CollectionChange> {
    private static final long serialVersionUID = 1L;

    /** The single key every command is keyed by. */
    public static final String KEY = "catalog";

    public static final MapStateDescriptor<String, CatalogEntry> COLLECTIONS =
            new MapStateDescriptor<>("collections", String.class, CatalogEntry.class);
    public static final ValueStateDescriptor<Long> NEXT_INCARNATION =
            new ValueStateDescriptor<>("next incarnation", Long.class);

    private final String deadLetterTopic;
    private transient MapState<String, CatalogEntry> collections;
    private transient ValueState<Long> nextIncarnation;
    private transient Counter deadLetters;

    public CollectionCatalog(String deadLetterTopic) {
        this.deadLetterTopic = deadLetterTopic;
    }

    @Override
    public void open(OpenContext openContext) {
        collections = getRuntimeContext().getMapState(COLLECTIONS);
        nextIncarnation = getRuntimeContext().getState(NEXT_INCARNATION);
        deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
    }

    @Override
    public void processElement(CollectionCommand command, Context ctx, Collector<CollectionChange> out)
            throws Exception {
        CatalogEntry existing = collections.get(command.collection());
        if (command.create()) {
            if (existing != null) {
                // Create of a live collection: Qdrant's 409, the existing collection is untouched.
                reject(command, QdrantException.conflict(
                        "Wrong input: Collection `" + command.collection() + "` already exists!"), ctx);
                return;
            }
            long incarnation = nextIncarnation.value() == null ? 1 : nextIncarnation.value();
            nextIncarnation.update(incarnation + 1);
            CatalogEntry entry = new CatalogEntry(command.collection(), incarnation, command.configJson(), false);
            collections.put(command.collection(), entry);
            out.collect(new CollectionChange(entry, command.opId()));
        } else {
            if (existing == null) {
                // Delete of a collection that does not exist (or no longer).
                reject(command, QdrantException.collectionNotFound(command.collection()), ctx);
                return;
            }
            collections.remove(command.collection());
            CatalogEntry tombstone = new CatalogEntry(command.collection(), existing.incarnation(), null, true);
            out.collect(new CollectionChange(tombstone, command.opId()));
        }
    }

    private void reject(CollectionCommand command, QdrantException error, Context ctx) {
        deadLetters.inc();
        var src = command.source();
        ctx.output(Tags.OUTBOUND, new Outbound(deadLetterTopic, src.position(),
                DeadLetterSchema.of(src, error.code(), error.getMessage(), command.opId())));
        if (command.opId() != null) {
            ctx.output(Tags.ACKS, AckPart.failed(command.opId(), error.code(), error.getMessage()));
        }
    }
}
