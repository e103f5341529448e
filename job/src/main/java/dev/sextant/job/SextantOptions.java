package dev.sextant.job;

import dev.sextant.index.CollectionConfig;
import dev.sextant.index.IndexOptions;
import dev.sextant.index.query.RequestLimits;
import dev.sextant.job.operators.IndexSettings;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;

/**
 * Every setting of the Sextant job, as Flink {@link ConfigOption}s (key, type, default, description).
 *
 * <p>Values come from {@code --key value} arguments and/or a {@code --conf} properties file (see
 * {@link SextantMain}), or from the {@link Configuration} a caller such as the CLI builds. Kafka client
 * settings that are not Sextant's own (SASL, SSL, timeouts) go through the {@link #KAFKA_PROPERTIES_PREFIX}
 * pass-through; their values are never logged.
 */
public final class SextantOptions {
    private SextantOptions() {}

    /** Keys starting with this prefix are copied, without the prefix, into every Kafka client. */
    public static final String KAFKA_PROPERTIES_PREFIX = "sextant.kafka.properties.";

    public static final ConfigOption<String> BOOTSTRAP_SERVERS = ConfigOptions.key("sextant.kafka.bootstrap-servers")
            .stringType()
            .noDefaultValue()
            .withDescription("Kafka bootstrap servers, host:port[,host:port...]. Required by SextantJob.kafka.");

    public static final ConfigOption<String> POINTS_TOPIC = ConfigOptions.key("sextant.topic.points")
            .stringType()
            .defaultValue("sextant.points")
            .withDescription("Topic of point and collection operations (create_collection, delete_collection,"
                    + " upsert, delete). Producers key a message by its collection name so that the operations"
                    + " on one point stay in one Kafka partition, in order.");

    public static final ConfigOption<String> REQUESTS_TOPIC = ConfigOptions.key("sextant.topic.requests")
            .stringType()
            .defaultValue("sextant.requests")
            .withDescription("Topic of query requests (query, query_batch).");

    public static final ConfigOption<String> RESULTS_TOPIC = ConfigOptions.key("sextant.topic.results")
            .stringType()
            .defaultValue("sextant.results")
            .withDescription("Topic of responses (key = request id) and operation acknowledgments"
                    + " (key = op_id). A request's reply_to overrides it for that request's response.");

    public static final ConfigOption<String> DEAD_LETTER_TOPIC = ConfigOptions.key("sextant.topic.dead-letter")
            .stringType()
            .defaultValue("sextant.dead-letter")
            .withDescription("Topic of point operations that could not be applied, with the reason and the"
                    + " original record.");

    public static final ConfigOption<String> GROUP_ID = ConfigOptions.key("sextant.kafka.group-id")
            .stringType()
            .defaultValue("sextant")
            .withDescription("Kafka consumer group id of the two sources. Offsets are committed on checkpoints"
                    + " (for monitoring only; the job restores its positions from its own checkpoints).");

    public static final ConfigOption<String> REQUESTS_STARTING_OFFSET = ConfigOptions.key("sextant.requests.starting-offset")
            .stringType()
            .defaultValue("latest")
            .withDescription("Where the requests source starts when the job starts without state and the consumer"
                    + " group has no committed offset: 'latest' (answer only requests sent from now on) or"
                    + " 'earliest' (also answer every request still in the topic). The points source always"
                    + " starts at the earliest offset: the points topic is the log of record.");

    public static final ConfigOption<Integer> PARTITIONS = ConfigOptions.key("sextant.partitions")
            .intType()
            .defaultValue(4)
            .withDescription("Number P of index partitions. A point lives in partition"
                    + " hash(collection, id) mod P. Independent of the parallelism; at least the parallelism so"
                    + " that every index subtask owns a partition. Fixed for the life of the job's state.");

    public static final ConfigOption<Integer> INDEX_EXACT_SCAN_BELOW = ConfigOptions.key("sextant.index.exact-scan-below")
            .intType()
            .defaultValue(IndexOptions.defaults().exactScanBelow())
            .withDescription("A vector space of a partition with fewer points than this is searched by an exact scan;"
                    + " from this size on an HNSW graph (jvector) is built and searched, with exact rescoring.");

    public static final ConfigOption<Integer> INDEX_M = ConfigOptions.key("sextant.index.m")
            .intType()
            .defaultValue(IndexOptions.defaults().m())
            .withDescription("Maximum out-degree of a graph node (jvector's M; 32 is about HNSW m = 16).");

    public static final ConfigOption<Integer> INDEX_EF_CONSTRUCTION = ConfigOptions.key("sextant.index.ef-construction")
            .intType()
            .defaultValue(IndexOptions.defaults().efConstruction())
            .withDescription("Beam width while inserting into the graph (HNSW efConstruction).");

    public static final ConfigOption<Integer> INDEX_EF = ConfigOptions.key("sextant.index.ef")
            .intType()
            .defaultValue(IndexOptions.defaults().defaultEf())
            .withDescription("Search beam (HNSW ef) for requests without params.hnsw_ef; never below the number of"
                    + " results wanted.");

    public static final ConfigOption<Integer> INDEX_MAX_PENDING = ConfigOptions.key("sextant.index.max-pending")
            .intType()
            .defaultValue(IndexSettings.DEFAULT_MAX_PENDING)
            .withDescription("Points per partition and named vector that may be searchable before they are linked"
                    + " into the HNSW graph. A write only stores its point (the acknowledgment, and visibility to"
                    + " every later request, come at once: searches scan the unlinked points exactly beside the"
                    + " graph search); the index subtask links them between records, with at most half of its"
                    + " thread while records keep arriving. A write beyond this bound links the excess itself,"
                    + " which slows writers to the linking's pace. 0 links every point inside its write.");

    public static final ConfigOption<Long> STATE_GRAPH_SNAPSHOT_THRESHOLD =
            ConfigOptions.key("sextant.state.graph-snapshot-threshold")
            .longType()
            .defaultValue(IndexSettings.DEFAULT_GRAPH_SNAPSHOT_THRESHOLD)
            .withDescription("Vector changes (inserts, replaced vectors, deletes) in one collection of one partition"
                    + " since its graph was last written to state that make a checkpoint write it again, once they"
                    + " are also a tenth of the collection's points in the partition. A restore"
                    + " loads the written graphs and re-inserts only the changes since, so this bounds the restore"
                    + " work per collection and partition; a smaller value writes graphs more often.");

    public static final ConfigOption<Integer> STATE_GRAPH_SNAPSHOTS_PER_CHECKPOINT =
            ConfigOptions.key("sextant.state.graph-snapshots-per-checkpoint")
            .intType()
            .defaultValue(IndexSettings.DEFAULT_GRAPH_SNAPSHOTS_PER_CHECKPOINT)
            .withDescription("Graphs (one collection of one partition each, most changed first) an index subtask"
                    + " writes to state per checkpoint at most. Writing runs in the checkpoint's synchronous phase"
                    + " (about 1.9 KB per 384-d point), so this bounds the pause a checkpoint adds. After 30 s"
                    + " without changes, checkpoints write changed graphs below the threshold too; a savepoint"
                    + " writes every changed graph.");

    public static final ConfigOption<Long> REQUEST_TIMEOUT_MS = ConfigOptions.key("sextant.request.timeout-ms")
            .longType()
            .defaultValue(30_000L)
            .withDescription("Milliseconds from a request's receipt until it is answered with a 504 error if no"
                    + " answer was produced by then; its pending state expires at the same time.");

    public static final ConfigOption<Long> ACK_TIMEOUT_MS = ConfigOptions.key("sextant.ack.timeout-ms")
            .longType()
            .defaultValue(600_000L)
            .withDescription("Milliseconds from the first applied part of an operation with op_id until it is"
                    + " acknowledged with a 504 error if it has not completed by then (it never should:"
                    + " this only bounds the state a reused or lost op_id could leave behind).");

    public static final ConfigOption<MemorySize> MAX_MESSAGE_BYTES = ConfigOptions.key("sextant.max-message-bytes")
            .memoryType()
            .defaultValue(MemorySize.parse("16m"))
            .withDescription("Largest Kafka message the job reads or writes. Larger point operations are dead"
                    + " lettered, larger requests answered with a 400 error, larger responses replaced by a"
                    + " 400 error. Topics (max.message.bytes) and the broker must accept messages of this size.");

    public static final ConfigOption<Integer> MAX_LIMIT_OFFSET = ConfigOptions.key(RequestLimits.MAX_LIMIT_OFFSET_OPTION)
            .intType()
            .defaultValue(RequestLimits.DEFAULTS.maxLimitOffset())
            .withDescription("Largest limit + offset of one search (results each index partition keeps and sends to"
                    + " the merge). A request over it is answered with a 400 error naming this option.");

    public static final ConfigOption<Integer> MAX_EXAMPLES = ConfigOptions.key(RequestLimits.MAX_EXAMPLES_OPTION)
            .intType()
            .defaultValue(RequestLimits.DEFAULTS.maxExamples())
            .withDescription("Most examples of one query: positives + negatives of a recommend, the target plus two"
                    + " per context pair of a discover, two per pair of a context. A request over it is answered"
                    + " with a 400 error naming this option.");

    public static final ConfigOption<Integer> MAX_BATCH_SEARCHES = ConfigOptions.key(RequestLimits.MAX_BATCH_SEARCHES_OPTION)
            .intType()
            .defaultValue(RequestLimits.DEFAULTS.maxBatchSearches())
            .withDescription("Most searches of one query_batch. A batch over it is answered with a 400 error naming"
                    + " this option.");

    public static final ConfigOption<Integer> MAX_DIMENSION = ConfigOptions.key(CollectionConfig.MAX_DIMENSION_OPTION)
            .intType()
            .defaultValue(CollectionConfig.MAX_DIMENSION)
            .withDescription("Largest vector dimension (size) of a collection, Qdrant's 65536 by default. A"
                    + " create_collection over it is dead-lettered and acknowledged with a 422 error naming this"
                    + " option.");

    public static final ConfigOption<String> DELIVERY_GUARANTEE = ConfigOptions.key("sextant.delivery-guarantee")
            .stringType()
            .defaultValue("at-least-once")
            .withDescription("Kafka sink guarantee. Only 'at-least-once' is available: responses are written at"
                    + " once, and after a failover the outputs since the last checkpoint may be written again"
                    + " (consumers keep the first reply per request_id / op_id). 'exactly-once' (transactions) is"
                    + " refused: read_committed consumers would see each response only when the next checkpoint"
                    + " completes, and the Kafka connector 5.0.0-2.2 fails its first transaction with kafka-clients"
                    + " 4.4.");

    /**
     * The pass-through Kafka client properties: every {@code sextant.kafka.properties.X = v} as {@code X = v}.
     */
    public static Properties kafkaProperties(Configuration options) {
        Properties props = new Properties();
        for (Map.Entry<String, String> e : options.toMap().entrySet()) {
            if (e.getKey().startsWith(KAFKA_PROPERTIES_PREFIX) && e.getKey().length() > KAFKA_PROPERTIES_PREFIX.length()) {
                props.setProperty(e.getKey().substring(KAFKA_PROPERTIES_PREFIX.length()), e.getValue());
            }
        }
        return props;
    }

    /**
     * The request limits {@link #MAX_LIMIT_OFFSET}, {@link #MAX_EXAMPLES}, {@link #MAX_BATCH_SEARCHES}.
     *
     * @throws IllegalArgumentException when one is below 1
     */
    public static RequestLimits requestLimits(Configuration options) {
        return new RequestLimits(options.get(MAX_LIMIT_OFFSET), options.get(MAX_EXAMPLES), options.get(MAX_BATCH_SEARCHES));
    }

    /** {@link #MAX_MESSAGE_BYTES} as an int number of bytes (capped at Integer.MAX_VALUE). */
    public static int maxMessageBytes(Configuration options) {
        return (int) Math.min(Integer.MAX_VALUE, options.get(MAX_MESSAGE_BYTES).getBytes());
    }
}
