package dev.sextant.job.kafka;

import dev.sextant.job.SextantOptions;
import dev.sextant.job.protocol.Outbound;
import dev.sextant.job.protocol.RawRecord;
import java.util.Locale;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The job's Kafka sources and sink, built from {@link SextantOptions}. Only {@code SextantJob.kafka} and the
 * CLI use this; tests inject their own endpoints.
 *
 * <p>Starting positions on a fresh start (a restore always continues from the checkpointed offsets):
 * <ul>
 *   <li>points: the earliest offset. The points topic is the log of record; a job without state rebuilds its
 *       collections and points by reading it from the start.</li>
 *   <li>requests: the group's committed offset, else {@code sextant.requests.starting-offset} (latest by
 *       default). Requests sent while no job ran are answered once one runs with the same group id.</li>
 * </ul>
 */
public final class KafkaEndpoints {
    private KafkaEndpoints() {}

    public static KafkaSource<RawRecord> pointsSource(Configuration options) {
        return source(options, options.get(SextantOptions.POINTS_TOPIC), OffsetsInitializer.earliest(), "points");
    }

    public static KafkaSource<RawRecord> requestsSource(Configuration options) {
        String start = options.get(SextantOptions.REQUESTS_STARTING_OFFSET).toLowerCase(Locale.ROOT);
        OffsetResetStrategy reset = switch (start) {
            case "latest" -> OffsetResetStrategy.LATEST;
            case "earliest" -> OffsetResetStrategy.EARLIEST;
            default -> throw new IllegalArgumentException(SextantOptions.REQUESTS_STARTING_OFFSET.key()
                    + " must be latest or earliest, got " + start);
        };
        return source(options, options.get(SextantOptions.REQUESTS_TOPIC), OffsetsInitializer.committedOffsets(reset),
                "requests");
    }

    private static KafkaSource<RawRecord> source(
            Configuration options, String topic, OffsetsInitializer start, String role) {
        int maxBytes = SextantOptions.maxMessageBytes(options);
        Properties props = SextantOptions.kafkaProperties(options);
        // A single record may be as large as the largest message; fetch limits below it would stall the source.
        props.putIfAbsent("max.partition.fetch.bytes", String.valueOf(Math.max(maxBytes, 1 << 20)));
        props.putIfAbsent("fetch.max.bytes", String.valueOf(Math.max(maxBytes, 50 << 20)));
        props.putIfAbsent("partition.discovery.interval.ms", "60000");
        return KafkaSource.<RawRecord>builder()
                .setBootstrapServers(bootstrapServers(options))
                .setTopics(topic)
                .setGroupId(options.get(SextantOptions.GROUP_ID))
                .setClientIdPrefix(options.get(SextantOptions.GROUP_ID) + "-" + role)
                .setStartingOffsets(start)
                .setDeserializer(new RawRecordSchema())
                .setProperties(props)
                .build();
    }

    public static KafkaSink<Outbound> sink(Configuration options) {
        Properties props = SextantOptions.kafkaProperties(options);
        props.putIfAbsent("max.request.size", String.valueOf(SextantOptions.maxMessageBytes(options) + 64 * 1024));
        props.putIfAbsent("linger.ms", "1");
        String guarantee = options.get(SextantOptions.DELIVERY_GUARANTEE).toLowerCase(Locale.ROOT);
        var builder = KafkaSink.<Outbound>builder()
                .setBootstrapServers(bootstrapServers(options))
                .setRecordSerializer(new OutboundSchema())
                .setKafkaProducerConfig(props);
        switch (guarantee) {
            case "at-least-once" -> builder.setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE);
            case "exactly-once" -> throw new IllegalArgumentException(SextantOptions.DELIVERY_GUARANTEE.key()
                    + " exactly-once is not available: a transactional sink would hold every response until the"
                    + " next checkpoint completes, and flink-connector-kafka 5.0.0-2.2 calls a Kafka producer"
                    + " internal that kafka-clients 4.4 no longer has (NoSuchMethodError on"
                    + " TransactionalRequestResult.await() at the first transaction); use at-least-once and"
                    + " de-duplicate replies by id (docs/protocol.md section 8)");
            default -> throw new IllegalArgumentException(SextantOptions.DELIVERY_GUARANTEE.key()
                    + " must be at-least-once, got " + guarantee);
        }
        return builder.build();
    }

    /** The reply_to check against the broker's topics, with the same client settings as the sink. */
    public static ReplyTopics replyTopics(Configuration options) {
        Properties props = SextantOptions.kafkaProperties(options);
        props.setProperty("bootstrap.servers", bootstrapServers(options));
        props.putIfAbsent("client.id", options.get(SextantOptions.GROUP_ID) + "-reply-topics");
        return new KafkaReplyTopics(props);
    }

    private static String bootstrapServers(Configuration options) {
        return options.getOptional(SextantOptions.BOOTSTRAP_SERVERS).orElseThrow(() -> new IllegalArgumentException(
                SextantOptions.BOOTSTRAP_SERVERS.key() + " is required"));
    }
}
