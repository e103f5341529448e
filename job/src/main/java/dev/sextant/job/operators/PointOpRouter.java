package dev.sextant.job.operators;

import dev.sextant.index.QdrantException;
import dev.sextant.job.kafka.DeadLetterSchema;
import dev.sextant.job.kafka.PointOpSchema;
import dev.sextant.job.kafka.PointOpSchema.InvalidOperation;
import dev.sextant.job.protocol.AckPart;
import dev.sextant.job.protocol.Outbound;
import dev.sextant.job.protocol.RawRecord;
import dev.sextant.job.protocol.RoutedOperation;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * First stage of the points topic: reads each message's envelope (a streaming pass that skips the body) and
 * sends it, as a {@link RoutedOperation}, to {@link CollectionCatalog} keyed by its collection (main output).
 *
 * <p>Anything without a readable envelope (not JSON, unknown op, missing or invalid collection name, too large)
 * becomes a dead letter ({@link Tags#OUTBOUND}) and, when it has an {@code op_id}, a failed acknowledgment
 * ({@link Tags#ACKS}). Stateless; runs chained to the points source.
 */
public final class PointOpRouter extends ProcessFunction<RawRecord, RoutedOperation> {
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
    public void processElement(RawRecord record, Context ctx, Collector<RoutedOperation> out) {
        try {
            if (record.valueSize() > maxMessageBytes) {
                // Still acknowledged when its envelope names an op_id: a client waiting for it must not hang.
                throw new InvalidOperation(readableOpId(record), QdrantException.badRequest("Message of "
                        + record.valueSize() + " bytes exceeds sextant.max-message-bytes (" + maxMessageBytes + ")"));
            }
            PointOpSchema.Header header = PointOpSchema.peek(record.value());
            out.collect(new RoutedOperation(header.op(), header.collection(), header.opId(), record));
        } catch (InvalidOperation e) {
            reject(record, e.opId(), e.error(), ctx);
        } catch (RuntimeException e) {
            // A bug must not stop the job on one record either; report it like bad input, with its type.
            reject(record, null, new QdrantException(500, "Service internal error: " + e), ctx);
        }
    }

    /** The op_id of a record that is rejected whole, or {@code null} when its envelope cannot be read. */
    private static String readableOpId(RawRecord record) {
        try {
            return PointOpSchema.peek(record.value()).opId();
        } catch (InvalidOperation e) {
            return e.opId();
        } catch (RuntimeException e) {
            return null;
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
