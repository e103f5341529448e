package dev.sextant.job.kafka;

import dev.sextant.job.protocol.Outbound;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@link Outbound} → Kafka record: the topic comes from the message (results, {@code reply_to}, dead letters),
 * key and value are UTF-8. The partition is left to Kafka's partitioner (by key), so every response to one
 * request id lands in one partition.
 */
public final class OutboundSchema implements KafkaRecordSerializationSchema<Outbound> {
    private static final long serialVersionUID = 1L;

    @Override
    public ProducerRecord<byte[], byte[]> serialize(Outbound message, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(
                message.topic(),
                null,
                timestamp,
                message.key() == null ? null : message.key().getBytes(StandardCharsets.UTF_8),
                message.value().getBytes(StandardCharsets.UTF_8));
    }
}
