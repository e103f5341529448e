package dev.sextant.cli;

import dev.sextant.embedded.EmbeddedKafka;
import dev.sextant.index.graph.Vectorization;
import dev.sextant.job.SextantJob;
import dev.sextant.job.SextantOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.deployment.executors.PipelineExecutorUtils;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sextant's embedded mode, all in this JVM: a single-node Kafka broker ({@link EmbeddedKafka}) on
 * {@code <data-dir>/kafka}, the four topics, and the Sextant job on a Flink {@link MiniCluster} with the
 * RocksDB state backend and incremental checkpoints to {@code <data-dir>/checkpoints}.
 *
 * <p>{@link #close()} cancels the job, shuts the MiniCluster down and stops the broker, in that order; each
 * step is bounded in time. The broker's data survive a restart on the same data directory. The job starts
 * empty each time (restoring the latest retained checkpoint, {@code execution.state-recovery.path}, is not
 * wired yet; the checkpoints are retained on cancellation for that purpose).
 *
 * <p>Not thread-safe; {@link #close()} may be called once from a shutdown hook as well (it is idempotent).
 */
public final class EmbeddedStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStack.class);
    private static final Duration JOB_START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final StackConfig config;
    private final Configuration settings;
    private EmbeddedKafka kafka;
    private MiniCluster miniCluster;
    private JobID jobId;
    private boolean closed;

    private EmbeddedStack(StackConfig config) {
        this.config = config;
        this.settings = settings(config);
    }

    /**
     * Starts the broker, creates the topics, starts the MiniCluster and submits the job, then waits until the
     * job is running.
     *
     * @throws IllegalStateException if a part does not start (port taken, data directory held by another
     *     broker, job not running within 60 s); whatever had started is stopped again
     */
    public static EmbeddedStack start(StackConfig config) {
        EmbeddedStack stack = new EmbeddedStack(config);
        try {
            stack.startAll();
        } catch (Exception e) {
            stack.close();
            throw e instanceof IllegalStateException ise ? ise
                    : new IllegalStateException("Cannot start the embedded stack: " + e.getMessage(), e);
        }
        return stack;
    }

    private void startAll() throws Exception {
        for (var dir : new java.nio.file.Path[] {config.kafkaDir(), config.checkpointDir(), config.tmpDir()}) {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create " + dir, e);
            }
        }
        kafka = config.kafkaPort() == 0
                ? EmbeddedKafka.start(config.kafkaDir())
                : EmbeddedKafka.start(config.kafkaDir(), config.kafkaPort(), config.controllerPort());
        settings.set(SextantOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        kafka.createTopics(config.topicPartitions(),
                pointsTopic(), requestsTopic(), resultsTopic(), deadLetterTopic());

        miniCluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(settings)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(config.parallelism())
                .build());
        miniCluster.start();

        StreamExecutionEnvironment env = new StreamExecutionEnvironment(settings);
        SextantJob.kafka(settings).build(env);
        StreamGraph graph = PipelineExecutorUtils.getStreamGraph(env.getStreamGraph(), settings);
        graph.setJobName("sextant");
        graph.serializeUserDefinedInstances();
        jobId = miniCluster.submitJob(graph).get(JOB_START_TIMEOUT.toSeconds(), TimeUnit.SECONDS).getJobID();
        awaitJobRunning();
        LOG.info("Sextant job {} running on {}", jobId, kafka.bootstrapServers());
    }

    /** The Flink configuration and job options the stack runs with (defaults, then the config's settings). */
    static Configuration settings(StackConfig config) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("state.backend.type", "rocksdb");
        s.put("execution.checkpointing.interval", config.checkpointInterval().toMillis() + " ms");
        s.put("execution.checkpointing.storage", "filesystem");
        s.put("execution.checkpointing.dir", config.checkpointDir().toUri().toString());
        s.put("execution.checkpointing.incremental", "true");
        // Kept after cancellation so that a later version can restart the embedded job from them.
        s.put("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
        s.put("execution.checkpointing.num-retained", "2");
        s.put("restart-strategy.type", "fixed-delay");
        s.put("restart-strategy.fixed-delay.attempts", "10");
        s.put("restart-strategy.fixed-delay.delay", "2 s");
        s.put("parallelism.default", String.valueOf(config.parallelism()));
        s.put("taskmanager.numberOfTaskSlots", String.valueOf(config.parallelism()));
        // RocksDB's block cache and write buffers come out of managed memory, shared by the slots.
        s.put("taskmanager.memory.managed.size", "512m");
        s.put("io.tmp.dirs", config.tmpDir().toString());
        s.put("state.backend.rocksdb.localdir", config.dataDir().resolve("rocksdb").toString());
        s.put("rest.bind-address", "localhost");
        s.put("rest.address", "localhost");
        s.put("rest.bind-port", "0");
        s.putAll(config.settings());
        // Whatever is still unset (max parallelism, no Kryo fallback, ...) as the job wants it.
        return SextantJob.configureEnvironment(Configuration.fromMap(s), config.checkpointDir());
    }

    /** The broker's bootstrap address, {@code localhost:<port>}. */
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public String pointsTopic() {
        return settings.get(SextantOptions.POINTS_TOPIC);
    }

    public String requestsTopic() {
        return settings.get(SextantOptions.REQUESTS_TOPIC);
    }

    public String resultsTopic() {
        return settings.get(SextantOptions.RESULTS_TOPIC);
    }

    public String deadLetterTopic() {
        return settings.get(SextantOptions.DEAD_LETTER_TOPIC);
    }

    /** The job options and Flink settings in effect (a copy). */
    public Configuration settings() {
        return new Configuration(settings);
    }

    /** The Kafka client pass-through properties ({@code sextant.kafka.properties.*}) of the settings. */
    public Properties kafkaProperties() {
        return SextantOptions.kafkaProperties(settings);
    }

    /** The topics a {@link SextantClient} of this stack uses. */
    public SextantClient.Topics clientTopics() {
        return new SextantClient.Topics(pointsTopic(), requestsTopic(), resultsTopic());
    }

    /** A client connected to this stack's broker and topics; the caller closes it. */
    public SextantClient client() {
        return SextantClient.connect(bootstrapServers(), clientTopics(), kafkaProperties());
    }

    public StackConfig config() {
        return config;
    }

    public JobID jobId() {
        return jobId;
    }

    /** The MiniCluster's REST address (Flink's REST API: jobs, checkpoints, metrics). */
    public String restAddress() {
        try {
            return miniCluster.getRestAddress().get(5, TimeUnit.SECONDS).toString();
        } catch (Exception e) {
            return "unavailable";
        }
    }

    /** The job's current status, or {@code null} if it cannot be asked. */
    public JobStatus jobStatus() {
        try {
            return miniCluster.getJobStatus(jobId).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            return null;
        }
    }

    /**
     * jvector's vectorization provider in this JVM, which is the one the MiniCluster's index partitions use:
     * {@code PanamaVectorizationProvider} (SIMD) or {@code DefaultVectorizationProvider} (scalar).
     */
    public static String vectorizationProvider() {
        return Vectorization.providerName();
    }

    private void awaitJobRunning() throws Exception {
        long deadline = System.nanoTime() + JOB_START_TIMEOUT.toNanos();
        while (true) {
            JobStatus status = miniCluster.getJobStatus(jobId).get(5, TimeUnit.SECONDS);
            if (status == JobStatus.RUNNING && allTasksRunning()) {
                return;
            }
            if (status.isGloballyTerminalState()) {
                Throwable cause = miniCluster.requestJobResult(jobId).get(5, TimeUnit.SECONDS)
                        .getSerializedThrowable().map(t -> (Throwable) t).orElse(null);
                throw new IllegalStateException("The Sextant job ended while starting: " + status, cause);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The Sextant job is not running after "
                        + JOB_START_TIMEOUT.toSeconds() + " s (status " + status + ")");
            }
            TimeUnit.MILLISECONDS.sleep(100); // poll interval; the wait itself is bounded by the deadline
        }
    }

    /** True when every subtask is deployed and running (the job status is RUNNING before that). */
    private boolean allTasksRunning() throws Exception {
        AccessExecutionGraph graph = miniCluster.getExecutionGraph(jobId).get(5, TimeUnit.SECONDS);
        for (AccessExecutionVertex vertex : graph.getAllExecutionVertices()) {
            if (vertex.getExecutionState() != ExecutionState.RUNNING) {
                return false;
            }
        }
        return true;
    }

    /** Cancels the job, stops the MiniCluster, then the broker. Idempotent; never throws. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (miniCluster != null) {
            if (jobId != null) {
                try {
                    miniCluster.cancelJob(jobId).get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                    miniCluster.requestJobResult(jobId).get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                } catch (Exception e) {
                    LOG.warn("Cancelling the Sextant job failed: {}", e.toString());
                }
            }
            try {
                miniCluster.closeAsync().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("Stopping the MiniCluster failed: {}", e.toString());
            }
        }
        if (kafka != null) {
            try {
                kafka.close();
            } catch (RuntimeException e) {
                LOG.warn("Stopping the Kafka broker failed: {}", e.toString());
            }
        }
    }
}
