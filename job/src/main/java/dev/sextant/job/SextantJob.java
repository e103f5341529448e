package dev.sextant.job;

import dev.sextant.index.query.RequestLimits;
import dev.sextant.job.kafka.KafkaEndpoints;
import dev.sextant.job.kafka.ReplyTopics;
import dev.sextant.job.operators.AckCollector;
import dev.sextant.job.operators.CollectionCatalog;
import dev.sextant.job.operators.IndexPartition;
import dev.sextant.job.operators.IndexSettings;
import dev.sextant.job.operators.MergeTopK;
import dev.sextant.job.operators.PartitionKeys;
import dev.sextant.job.operators.KeyGroupKeys;
import dev.sextant.job.operators.PointOpRouter;
import dev.sextant.job.operators.PointStore;
import dev.sextant.job.operators.RequestPlanner;
import dev.sextant.job.operators.RequestResolver;
import dev.sextant.job.operators.Tags;
import dev.sextant.job.protocol.AckPart;
import dev.sextant.job.protocol.CollectionChange;
import dev.sextant.job.protocol.Lookup;
import dev.sextant.job.protocol.LookupResult;
import dev.sextant.job.protocol.Outbound;
import dev.sextant.job.protocol.PartialResult;
import dev.sextant.job.protocol.PartitionInput;
import dev.sextant.job.protocol.PlannedRequest;
import dev.sextant.job.protocol.PointWrite;
import dev.sextant.job.protocol.RawRecord;
import dev.sextant.job.protocol.ResolvedRequest;
import dev.sextant.job.protocol.RoutedOperation;
import dev.sextant.job.protocol.StoreInput;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The Sextant job: point operations and query requests in, responses, acknowledgments and dead letters out
 * (the dataflow of {@code docs/design.md}).
 *
 * <p>Sources and sink are injected, so tests run the very graph production runs with their own endpoints;
 * {@link #kafka} builds the Kafka ones from {@link SextantOptions}. {@link #build} only wires operators;
 * state backend, checkpointing and restart strategy belong to the environment
 * ({@link #configureEnvironment}).
 *
 * <pre>{@code
 * Configuration flinkConf = SextantJob.configureEnvironment(new Configuration(), checkpointDir);
 * StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flinkConf);
 * SextantJob.kafka(options).build(env);
 * env.executeAsync("sextant");
 * }</pre>
 */
public final class SextantJob {
    /** Fixed so that savepoints restore at any parallelism up to it (and partition keys stay put). */
    public static final int MAX_PARALLELISM = 128;

    private final Configuration options;
    private final Source<RawRecord, ?, ?> pointSource;
    private final Source<RawRecord, ?, ?> requestSource;
    private final Sink<Outbound> sink;
    private ReplyTopics replyTopics = ReplyTopics.ANY;

    /**
     * @param options the {@link SextantOptions} (topic names are still needed: dead letters and responses
     *     name their topic)
     * @param pointSource records of the points topic
     * @param requestSource records of the requests topic
     * @param sink where every {@link Outbound} goes (its topic field says which topic)
     */
    public SextantJob(Configuration options, Source<RawRecord, ?, ?> pointSource,
            Source<RawRecord, ?, ?> requestSource, Sink<Outbound> sink) {
        this.options = options;
        this.pointSource = pointSource;
        this.requestSource = requestSource;
        this.sink = sink;
    }

    /**
     * The job with Kafka sources and sink built from {@code options} (bootstrap servers required); a request's
     * {@code reply_to} must name a topic that exists on that broker.
     */
    public static SextantJob kafka(Configuration options) {
        return new SextantJob(options, KafkaEndpoints.pointsSource(options), KafkaEndpoints.requestsSource(options),
                KafkaEndpoints.sink(options))
                .withReplyTopics(KafkaEndpoints.replyTopics(options));
    }

    /**
     * Which {@code reply_to} topics requests may name ({@link ReplyTopics#ANY} unless set; {@link #kafka} checks
     * the broker's topics).
     */
    public SextantJob withReplyTopics(ReplyTopics replyTopics) {
        this.replyTopics = replyTopics;
        return this;
    }

    /**
     * Sets the environment settings Sextant relies on, where {@code flinkConf} does not set them already:
     * RocksDB with incremental checkpoints to {@code checkpointDir} (when not null), a checkpoint every 10 s
     * retained on cancellation, a fixed-delay restart strategy (5 attempts, 10 s apart: bad input never
     * causes a restart, so these are for infrastructure failures), a network buffer timeout of 0 (every record
     * is flushed at once: request latency without flusher threads; design.md 6a), max parallelism
     * {@link #MAX_PARALLELISM} and no Kryo fallback ({@code pipeline.generic-types: false}).
     *
     * @return {@code flinkConf}, for {@code StreamExecutionEnvironment.getExecutionEnvironment(conf)} or a
     *     MiniCluster
     */
    public static Configuration configureEnvironment(Configuration flinkConf, Path checkpointDir) {
        setIfAbsent(flinkConf, StateBackendOptions.STATE_BACKEND, "rocksdb");
        setIfAbsent(flinkConf, CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        setIfAbsent(flinkConf, CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(10));
        setIfAbsent(flinkConf, CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        if (checkpointDir != null) {
            setIfAbsent(flinkConf, CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            setIfAbsent(flinkConf, CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDir.toUri().toString());
        }
        setIfAbsent(flinkConf, RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        setIfAbsent(flinkConf, RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 5);
        setIfAbsent(flinkConf, RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(10));
        // Requests are sparse and small: waiting up to Flink's default 100 ms for a network buffer to fill costs
        // that much per hop. A positive timeout runs one flusher thread per task that wakes that often even when
        // idle (at 1 ms: a fifth of a 2-core machine); 0 flushes each record instead (design.md 6a).
        setIfAbsent(flinkConf, ExecutionOptions.BUFFER_TIMEOUT, Duration.ZERO);
        setIfAbsent(flinkConf, PipelineOptions.MAX_PARALLELISM, MAX_PARALLELISM);
        setIfAbsent(flinkConf, PipelineOptions.GENERIC_TYPES, false);
        return flinkConf;
    }

    private static <T> void setIfAbsent(Configuration conf, org.apache.flink.configuration.ConfigOption<T> option, T value) {
        if (!conf.contains(option)) {
            conf.set(option, value);
        }
    }

    /** Wires the job's graph into {@code env}. */
    public void build(StreamExecutionEnvironment env) {
        env.setMaxParallelism(MAX_PARALLELISM);
        String results = options.get(SextantOptions.RESULTS_TOPIC);
        String deadLetters = options.get(SextantOptions.DEAD_LETTER_TOPIC);
        int maxBytes = SextantOptions.maxMessageBytes(options);
        long timeoutMs = options.get(SextantOptions.REQUEST_TIMEOUT_MS);
        PartitionKeys partitionKeys = new PartitionKeys(options.get(SextantOptions.PARTITIONS), MAX_PARALLELISM);
        IndexSettings indexSettings = new IndexSettings(
                options.get(SextantOptions.INDEX_EXACT_SCAN_BELOW),
                options.get(SextantOptions.INDEX_M),
                options.get(SextantOptions.INDEX_EF_CONSTRUCTION),
                options.get(SextantOptions.INDEX_EF),
                options.get(SextantOptions.STATE_GRAPH_SNAPSHOT_THRESHOLD),
                options.get(SextantOptions.STATE_GRAPH_SNAPSHOTS_PER_CHECKPOINT),
                options.get(SextantOptions.INDEX_MAX_PENDING));
        RequestLimits requestLimits = SextantOptions.requestLimits(options);
        int maxDimension = options.get(SextantOptions.MAX_DIMENSION);
        if (maxDimension < 1) {
            throw new IllegalArgumentException(SextantOptions.MAX_DIMENSION.key() + " must be at least 1");
        }
        if (timeoutMs <= 0 || options.get(SextantOptions.ACK_TIMEOUT_MS) <= 0) {
            throw new IllegalArgumentException("sextant.request.timeout-ms and sextant.ack.timeout-ms must be > 0");
        }

        // Point operations: envelope → the collection's catalog entry (keyed by collection name), which validates
        // and stamps every operation on that collection in its Kafka-partition order.
        SingleOutputStreamOperator<RoutedOperation> routed = env
                .fromSource(pointSource, WatermarkStrategy.noWatermarks(), "points source")
                .uid("points-source")
                .process(new PointOpRouter(deadLetters, maxBytes))
                .uid("point-op-router").name("PointOpRouter");
        KeyGroupKeys storeKeys = new KeyGroupKeys(MAX_PARALLELISM);
        SingleOutputStreamOperator<StoreInput> toStore = routed
                .keyBy(RoutedOperation::collection, Types.STRING)
                .process(new CollectionCatalog(deadLetters, partitionKeys, storeKeys, maxDimension))
                .uid("collection-catalog").name("CollectionCatalog");
        DataStream<CollectionChange> changes = toStore.getSideOutput(Tags.CHANGES);
        BroadcastStream<CollectionChange> catalog = changes.broadcast(CollectionCatalog.BROADCAST);

        // Requests: envelope + catalog checks → plan + example lookups.
        SingleOutputStreamOperator<PlannedRequest> plans = env
                .fromSource(requestSource, WatermarkStrategy.noWatermarks(), "requests source")
                .uid("requests-source")
                .connect(catalog)
                .process(new RequestPlanner(results, maxBytes, requestLimits, replyTopics))
                .uid("request-planner").name("RequestPlanner");
        DataStream<Lookup> lookups = plans.getSideOutput(Tags.LOOKUPS);

        // The point store sees every write (in the catalog's order) before the partitions do, and answers lookups.
        SingleOutputStreamOperator<PointWrite> stored = toStore
                .union(lookups.map(StoreInput::of).returns(StoreInput.class).name("lookup → store input"))
                .keyBy(StoreInput::storeKey, Types.STRING)
                .transform("PointStore", TypeInformation.of(PointWrite.class), new PointStore(storeKeys, partitionKeys))
                .uid("point-store");
        DataStream<LookupResult> lookupResults = stored.getSideOutput(Tags.LOOKUP_RESULTS);

        SingleOutputStreamOperator<ResolvedRequest> resolved = plans
                .connect(lookupResults)
                .keyBy(p -> p.ref().ticket(), r -> r.ref().ticket(), Types.STRING)
                .process(new RequestResolver(timeoutMs))
                .uid("request-resolver").name("RequestResolver");

        // Index partitions: writes keyed by partition key; catalog changes and resolved requests to all.
        DataStream<PartitionInput> toAllPartitions = changes
                .map(PartitionInput::of).returns(PartitionInput.class).name("change → partitions")
                .union(resolved.map(PartitionInput::of).returns(PartitionInput.class).name("request → partitions"))
                .broadcast();
        SingleOutputStreamOperator<PartialResult> partials = stored
                .keyBy(w -> partitionKeys.key(w.partition()), Types.INT)
                .connect(toAllPartitions)
                .transform("IndexPartition", TypeInformation.of(PartialResult.class), new IndexPartition(partitionKeys, indexSettings))
                .uid("index-partition");

        SingleOutputStreamOperator<Outbound> responses = partials
                .keyBy(p -> p.ref().ticket(), Types.STRING)
                .process(new MergeTopK(timeoutMs, maxBytes))
                .uid("merge-top-k").name("MergeTopK");

        DataStream<AckPart> ackParts = routed.getSideOutput(Tags.ACKS).union(
                toStore.getSideOutput(Tags.ACKS),
                plans.getSideOutput(Tags.ACKS),
                stored.getSideOutput(Tags.ACKS),
                partials.getSideOutput(Tags.ACKS));
        SingleOutputStreamOperator<Outbound> acks = ackParts
                .keyBy(AckPart::opId, Types.STRING)
                .process(new AckCollector(results, options.get(SextantOptions.ACK_TIMEOUT_MS)))
                .uid("ack-collector").name("AckCollector");

        responses.union(
                        acks,
                        routed.getSideOutput(Tags.OUTBOUND),
                        toStore.getSideOutput(Tags.OUTBOUND),
                        plans.getSideOutput(Tags.OUTBOUND),
                        resolved.getSideOutput(Tags.OUTBOUND))
                .sinkTo(sink)
                .uid("outbound-sink").name("outbound sink");
    }
}
