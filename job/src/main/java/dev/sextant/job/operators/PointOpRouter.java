package dev.sextant.job.operators;

import dev.sextant.index.CollectionConfig;
import dev.sextant.index.QdrantException;
import dev.sextant.job.kafka.DeadLetterSchema;
import dev.sextant.job.kafka.PointOpSchema;
import dev.sextant.job.kafka.PointOpSchema.InvalidOperation;
import dev.sextant.job.protocol.AckPart;
import dev.sextant.job.protocol.CollectionCommand;
import dev.sextant.job.protocol.Json;
import dev.sextant.job.protocol.Outbound;
import dev.sextant.job.protocol.RawRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * First stage of the points topic: reads each message's envelope and sends it on its way.
 *
 * <ul>
 *   <li>{@code upsert} / {@code delete}: the record, unchanged, to {@link PointOpParser} (main output);</li>
 *   <li>{@code create_collection} / {@code delete_collection}: a {@link CollectionCommand} to
 *       {@link CollectionCatalog} ({@link Tags#COMMANDS}), the create body's {@code vectors} validated here;</li>
 *   <li>anything unreadable (not JSON, unknown op, missing field, too large, bad collection config): a dead
 *       letter ({@link Tags#OUTBOUND}) and, when it has an {@code op_id}, a failed acknowledgment
 *       ({@link Tags#ACKS}).</li>
 * </ul>
 *
 * <p>It exists because the catalog cannot sit inside the parser: the parser needs the catalog's broadcast,
 * and a Flink graph has no cycles. Stateless; runs chained to the points source so records keep their
 * Kafka-partition order.
 */
public final class PointOpRouter extends ProcessFunction<RawRecord, RawRecord> {
    private static final long serialVersionUID = 1L;

    private final String deadLetterTopic;
    private final int maxMessageBytes;
    private transient Counter deadLetters;

    public PointOpRouter(String deadLetterTopic, int maxMessageBytes) {
        this.deadLetterTopic = deadLetterTopic;
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    public void open(OpenContext openContext) {
        deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
    }

    @Override
    public void processElement(RawRecord record, Context ctx, Collector<RawRecord> out) {
        try {
            if (record.valueSize() > maxMessageBytes) {
                throw new InvalidOperation(null, QdrantException.badRequest("Message of " + record.valueSize()
                        + " bytes exceeds sextant.max-message-bytes (" + maxMessageBytes + ")"));
            }
            PointOpSchema.Header header = PointOpSchema.peek(record.value());
            switch (header.op()) {
                case PointOpSchema.CREATE_COLLECTION -> ctx.output(Tags.COMMANDS, create(record));
                case PointOpSchema.DELETE_COLLECTION -> ctx.output(Tags.COMMANDS,
                        new CollectionCommand(false, header.collection(), null, header.opId(), record));
                default -> out.collect(record);
            }
        } catch (InvalidOperation e) {
            reject(record, e.opId(), e.error(), ctx);
        } catch (RuntimeException e) {
            // A bug must not stop the job on one record either; report it like bad input, with its type.
            reject(record, null, new QdrantException(500, "Service internal error: " + e), ctx);
        }
    }

    /** A create_collection: the body is small, so it is read whole and its vectors config validated. */
    private static CollectionCommand create(RawRecord record) {
        PointOpSchema.PointOp op = PointOpSchema.parse(record.value());
        if (op.body() == null) {
            throw new InvalidOperation(op.opId(),
                    QdrantException.badRequest("Format error in JSON body: missing field `body`"));
        }
        CollectionConfig config;
        try {
            config = CollectionConfig.fromJson(op.body());
        } catch (QdrantException e) {
            throw new InvalidOperation(op.opId(), e);
        }
        return new CollectionCommand(true, op.collection(), Json.write(config.toJson()), op.opId(), record);
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
