package dev.sextant.cli;

import dev.sextant.embedded.EmbeddedKafka;
import dev.sextant.index.graph.Vectorization;
import dev.sextant.job.SextantJob;
import dev.sextant.job.SextantOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.deployment.executors.PipelineExecutorUtils;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.RecoveryClaimMode;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.executiongraph.ErrorInfo;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.util.SerializedThrowable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sextant's embedded mode, all in this JVM: a single-node Kafka broker ({@link EmbeddedKafka}) on
 * {@code <data-dir>/kafka}, the four topics, and the Sextant job on a Flink {@link MiniCluster} with the
 * RocksDB state backend and incremental checkpoints to {@code <data-dir>/checkpoints}.
 *
 * <p><b>Data survive like a database's.</b> The broker's log and the checkpoints stay in the data directory.
 * {@link #start} resumes the job from the latest complete retained checkpoint there
 * ({@link RetainedCheckpoints#latest}, passed as {@code execution.state-recovery.path} in {@code NO_CLAIM}
 * mode); the Kafka sources restore their offsets from it and re-read what came after, so every operation that
 * was acknowledged before a stop, a crash or {@code kill -9} is applied again (at least once). With
 * {@link StackConfig#fresh()} it deletes the broker's log and the checkpoints first and starts empty. A
 * checkpoint that cannot be restored (state written by an incompatible version, another
 * {@code sextant.partitions}) fails the start with the cause and leaves every file in place; nothing is ever
 * dropped silently. Once the new job has completed a checkpoint of its own, the directories of earlier jobs
 * are deleted, so only the last {@code execution.checkpointing.num-retained} (2) checkpoints are kept.
 *
 * <p>{@link #close()} takes a last checkpoint (so the next start replays nothing), cancels the job (its
 * checkpoints are retained on cancellation), shuts the MiniCluster down and stops the broker, in that order;
 * each step is bounded in time. A data directory is used by one stack at a time ({@code <data-dir>/sextant.lock}).
 *
 * <p>Not thread-safe; {@link #close()} may be called once from a shutdown hook as well (it is idempotent).
 */
public final class EmbeddedStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStack.class);
    private static final Duration JOB_START_TIMEOUT = Duration.ofSeconds(60);
    /**
     * A restore loads every partition's graphs from the checkpoint and re-inserts only recent changes (design §6d),
     * but a collection without a usable graph blob is rebuilt from its points, which takes a while.
     */
    private static final Duration RESTORE_TIMEOUT = Duration.ofMinutes(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    private final StackConfig config;
    private final Configuration settings;
    private final Consumer<String> progress;
    private FileChannel lockChannel;
    private FileLock lock;
    private EmbeddedKafka kafka;
    private MiniCluster miniCluster;
    private JobID jobId;
    private String restorePath;
    private RetainedCheckpoints.Checkpoint restored;
    private String state = "not started";
    private Duration jobStartTime = Duration.ZERO;
    private ScheduledExecutorService janitor;
    private boolean started;
    private boolean closed;

    private EmbeddedStack(StackConfig config, Consumer<String> progress) {
        this.config = config;
        this.settings = settings(config);
        this.progress = progress;
    }

    /** {@link #start(StackConfig, Consumer)} with the progress messages going to the log. */
    public static EmbeddedStack start(StackConfig config) {
        return start(config, LOG::info);
    }

    /**
     * Starts the broker, creates the topics, starts the MiniCluster and submits the job, resumed from the
     * latest retained checkpoint unless {@code config.fresh()}, then waits until every task is running.
     *
     * @param progress receives one line before each slow or destructive step ("Restoring checkpoint 12 ...",
     *     "Starting fresh: deleting ...")
     * @throws IllegalStateException if a part does not start (port taken, data directory used by another
     *     stack, job not running within 60 s, or 30 min when restoring) or the checkpoint cannot be restored
     *     (the message names the checkpoint, the cause and {@code --fresh}); whatever had started is stopped
     *     again, and the retained checkpoints are left as they were
     * @throws IllegalArgumentException if {@code config.fresh()} is combined with an explicit
     *     {@code execution.state-recovery.path}
     */
    public static EmbeddedStack start(StackConfig config, Consumer<String> progress) {
        EmbeddedStack stack = new EmbeddedStack(config, progress);
        try {
            stack.startAll();
        } catch (Exception e) {
            stack.close();
            if (e instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw e instanceof IllegalStateException ise ? ise
                    : new IllegalStateException("Cannot start the embedded stack: " + e.getMessage(), e);
        }
        return stack;
    }

    private void startAll() throws Exception {
        String explicitRestore = settings.get(StateRecoveryOptions.SAVEPOINT_PATH);
        if (config.fresh() && explicitRestore != null) {
            throw new IllegalArgumentException("--fresh starts empty; it cannot be combined with "
                    + StateRecoveryOptions.SAVEPOINT_PATH.key() + "=" + explicitRestore);
        }
        createDirectories(config.dataDir());
        lockDataDir();
        if (config.fresh()) {
            progress.accept("Starting fresh: deleting the Kafka log (" + config.kafkaDir() + ") and the checkpoints ("
                    + config.checkpointDir() + ")");
            RetainedCheckpoints.deleteRecursively(config.kafkaDir());
            RetainedCheckpoints.deleteRecursively(config.checkpointDir());
        }
        if (isEmptyOrMissing(config.kafkaDir()) && !settings.contains(SextantOptions.REQUESTS_STARTING_OFFSET)) {
            // A new log holds no stale request. With "latest", a request that reached Kafka after the job was
            // running but before its source had looked up where "latest" is would never be answered.
            settings.set(SextantOptions.REQUESTS_STARTING_OFFSET, "earliest");
        }
        // Working files of an earlier run that did not stop cleanly; a restore reads the checkpoint, not these.
        RetainedCheckpoints.deleteRecursively(config.rocksDbDir());
        deleteStaleTmpFiles();
        for (Path dir : new Path[] {config.kafkaDir(), config.checkpointDir(), config.tmpDir()}) {
            createDirectories(dir);
        }
        kafka = config.kafkaPort() == 0
                ? EmbeddedKafka.start(config.kafkaDir())
                : EmbeddedKafka.start(config.kafkaDir(), config.kafkaPort(), config.controllerPort());
        settings.set(SextantOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        // The points topic is the log of record (a start without state rebuilds every collection from it), so it
        // is kept forever; requests, results and dead letters keep Kafka's default 7 days.
        kafka.createTopics(config.topicPartitions(), Map.of("retention.ms", "-1"), pointsTopic());
        kafka.createTopics(config.topicPartitions(), requestsTopic(), resultsTopic(), deadLetterTopic());

        chooseRestore(explicitRestore);
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
        long submitted = System.nanoTime();
        jobId = miniCluster.submitJob(graph).get(JOB_START_TIMEOUT.toSeconds(), TimeUnit.SECONDS).getJobID();
        awaitJobRunning(restorePath != null ? RESTORE_TIMEOUT : JOB_START_TIMEOUT);
        jobStartTime = Duration.ofNanos(System.nanoTime() - submitted);
        LOG.info("Sextant job {} running on {}; state {}; running {} ms after submission", jobId,
                kafka.bootstrapServers(), state, jobStartTime.toMillis());
        started = true;
        if (settings.get(StateRecoveryOptions.RESTORE_MODE) == RecoveryClaimMode.NO_CLAIM) {
            startJanitor();
        }
    }

    /** Sets {@code execution.state-recovery.path} to the checkpoint to resume from, if any, and says which. */
    private void chooseRestore(String explicitRestore) {
        if (explicitRestore != null) {
            restorePath = explicitRestore;
            state = "restored " + explicitRestore + " (" + StateRecoveryOptions.SAVEPOINT_PATH.key() + ")";
            progress.accept("Restoring " + explicitRestore + " (" + StateRecoveryOptions.SAVEPOINT_PATH.key() + ") ...");
            return;
        }
        Optional<RetainedCheckpoints.Checkpoint> latest = RetainedCheckpoints.latest(config.checkpointDir());
        if (latest.isEmpty()) {
            state = config.fresh() ? "empty (--fresh: the Kafka log and the checkpoints were deleted)"
                    : "empty (no retained checkpoint in " + config.checkpointDir() + ")";
            if (!config.fresh()) {
                progress.accept("No retained checkpoint in " + config.checkpointDir() + ": starting empty");
            }
            return;
        }
        restored = latest.get();
        restorePath = restored.dir().toString();
        settings.set(StateRecoveryOptions.SAVEPOINT_PATH, restorePath);
        // NO_CLAIM: Flink never deletes the restored files, and the new job's first checkpoint is a full one,
        // after which the old job's directory can go (startJanitor). A failed restore leaves it intact.
        if (!settings.contains(StateRecoveryOptions.RESTORE_MODE)) {
            settings.set(StateRecoveryOptions.RESTORE_MODE, RecoveryClaimMode.NO_CLAIM);
        }
        state = "restored checkpoint " + restored.id() + " of " + TIME.format(restored.completed()) + " ("
                + restored.dir() + ")";
        progress.accept("Restoring checkpoint " + restored.id() + " of " + TIME.format(restored.completed())
                + " from " + restored.dir() + " (the index partitions load their graphs from it) ...");
    }

    /** The Flink configuration and job options the stack runs with (defaults, then the config's settings). */
    static Configuration settings(StackConfig config) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("state.backend.type", "rocksdb");
        s.put("execution.checkpointing.interval", config.checkpointInterval().toMillis() + " ms");
        s.put("execution.checkpointing.storage", "filesystem");
        s.put("execution.checkpointing.dir", config.checkpointDir().toUri().toString());
        s.put("execution.checkpointing.incremental", "true");
        // Kept after cancellation (and after a crash): the next start resumes from the latest one. Flink deletes
        // older ones as new ones complete, so the directory holds two of them (plus their shared files).
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
        // metrics read through the REST API are at most this old (Flink's default, 10 s, hides an index catching up)
        s.put("metrics.fetcher.update-interval", "1000");
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

    /** The retained checkpoint the job resumed from, if it resumed from one found in the data directory. */
    public Optional<Path> restoredCheckpoint() {
        return Optional.ofNullable(restored).map(RetainedCheckpoints.Checkpoint::dir);
    }

    /**
     * How the job's state began, for people: {@code restored checkpoint 12 of 2026-01-05 10:00:00 (<path>)},
     * {@code empty (no retained checkpoint in <dir>)} or {@code empty (--fresh: ...)}.
     */
    public String stateDescription() {
        return state;
    }

    /** From the job's submission until every task ran: with a restore, the restore time. */
    public Duration jobStartTime() {
        return jobStartTime;
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

    private static boolean isEmptyOrMissing(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return true;
        }
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    private void awaitJobRunning(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JobStatus status = miniCluster.getJobStatus(jobId).get(5, TimeUnit.SECONDS);
            if (status.isGloballyTerminalState()) {
                Throwable cause = miniCluster.requestJobResult(jobId).get(5, TimeUnit.SECONDS)
                        .getSerializedThrowable().map(t -> (Throwable) t).orElse(null);
                throw startFailure("ended with status " + status, cause);
            }
            AccessExecutionGraph graph = miniCluster.getExecutionGraph(jobId).get(5, TimeUnit.SECONDS);
            ErrorInfo failure = graph.getFailureInfo();
            if (failure != null) {
                // A failure before every task runs would only repeat under the restart strategy (a state
                // that cannot be restored fails the same way each time): report it now.
                throw startFailure("failed while starting", failure.getException());
            }
            if (status == JobStatus.RUNNING && allTasksRunning(graph)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The Sextant job is not running after " + timeout.toSeconds()
                        + " s (status " + status + ")" + (restorePath == null ? "" : "; it was restoring " + restorePath));
            }
            TimeUnit.MILLISECONDS.sleep(100); // poll interval; the wait itself is bounded by the deadline
        }
    }

    /**
     * The exception for a job that did not start; when restoring, it names the checkpoint, the cause and the
     * way out ({@code --fresh}), and says that nothing was deleted.
     */
    private IllegalStateException startFailure(String what, Throwable cause) {
        String reason = rootCause(cause);
        if (restorePath == null) {
            return new IllegalStateException("The Sextant job " + what + ": " + reason, cause);
        }
        String checkpoint = restored != null ? "checkpoint " + restored.id() + " (" + restorePath + ")" : restorePath;
        // An operator of the checkpoint that the job no longer has (a newer version removed or renamed it).
        String dropHint = reason.contains("Cannot map checkpoint/savepoint state")
                ? " To restore without the state of the operators this version no longer has (that state is lost),"
                        + " add -D" + StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE.key() + "=true."
                : "";
        return new IllegalStateException("Cannot restore " + checkpoint + ": " + reason + ". Nothing was deleted."
                + " Start with the settings and version that wrote it, or start empty with --fresh, which deletes"
                + " the Kafka log and the checkpoints in " + config.dataDir() + "." + dropHint, cause);
    }

    /** The innermost cause's message (Flink wraps the operator's exception several times), without a final period. */
    static String rootCause(Throwable t) {
        if (t == null) {
            return "unknown cause (see the log)";
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        if (message == null || message.isBlank()) {
            message = root instanceof SerializedThrowable st ? st.getOriginalErrorClassName() : root.getClass().getName();
        }
        // A wrapper's message is often "java.lang.SomeException: the message"; keep the message.
        message = message.strip().replaceFirst("^(?:[a-z][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error): ", "");
        return message.endsWith(".") ? message.substring(0, message.length() - 1) : message;
    }

    /** True when every subtask is deployed and running (the job status is RUNNING before that). */
    private static boolean allTasksRunning(AccessExecutionGraph graph) {
        for (AccessExecutionVertex vertex : graph.getAllExecutionVertices()) {
            if (vertex.getExecutionState() != ExecutionState.RUNNING) {
                return false;
            }
        }
        return true;
    }

    /**
     * Takes a last checkpoint (bounded; a failure only means the next start re-reads more of the topics),
     * cancels the job, stops the MiniCluster, then the broker, and releases the data directory. Idempotent;
     * never throws.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (janitor != null) {
            janitor.shutdownNow();
        }
        if (miniCluster != null) {
            if (jobId != null) {
                // Not after a failed start: a job that cannot restore cannot checkpoint either.
                if (started && jobStatus() == JobStatus.RUNNING) {
                    try {
                        String path = miniCluster.triggerCheckpoint(jobId)
                                .get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                        LOG.info("Last checkpoint before stopping: {}", path);
                    } catch (Exception e) {
                        LOG.warn("No last checkpoint before stopping ({}); the next start resumes from an earlier"
                                + " one and re-reads the topics from there", e.toString());
                    }
                }
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
        unlockDataDir();
    }

    /**
     * Once this job has a complete checkpoint of its own, deletes the directories of earlier jobs (it was
     * restored in NO_CLAIM mode, so that checkpoint needs none of their files). Runs in the background until
     * done or closed.
     */
    private void startJanitor() {
        janitor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sextant-checkpoint-janitor");
            t.setDaemon(true);
            return t;
        });
        Path ownDir = config.checkpointDir().resolve(jobId.toHexString());
        janitor.scheduleWithFixedDelay(() -> {
            try {
                if (!RetainedCheckpoints.ofJob(ownDir).isEmpty()) {
                    List<Path> deleted = RetainedCheckpoints.deleteOtherJobs(config.checkpointDir(), jobId.toHexString());
                    if (!deleted.isEmpty()) {
                        LOG.info("Deleted the checkpoints of earlier runs, superseded by this job's: {}", deleted);
                    }
                    janitor.shutdown();
                }
            } catch (Exception e) {
                LOG.warn("Cannot delete the checkpoints of earlier runs in {}: {}", config.checkpointDir(), e.toString());
                janitor.shutdown();
            }
        }, 1, 1, TimeUnit.SECONDS);
    }

    /** Holds {@code <data-dir>/sextant.lock} so that two stacks never share (or delete) one data directory. */
    private void lockDataDir() throws IOException {
        Path file = config.dataDir().resolve("sextant.lock");
        lockChannel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            lockChannel.close();
            lockChannel = null;
            throw new IllegalStateException("The data directory " + config.dataDir() + " is in use by another"
                    + " Sextant (./sextant up or demo); stop it first or use another --data-dir");
        }
    }

    private void unlockDataDir() {
        try {
            if (lock != null) {
                lock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException e) {
            LOG.warn("Cannot release the lock of {}: {}", config.dataDir(), e.toString());
        }
    }

    /**
     * Deletes Flink's temporary files under {@code <data-dir>/tmp} left by a run that did not stop cleanly. The
     * {@code run-<pid>} directories belong to the {@code sextant} script (it removes its own).
     */
    private void deleteStaleTmpFiles() throws IOException {
        if (!Files.isDirectory(config.tmpDir())) {
            return;
        }
        try (Stream<Path> entries = Files.list(config.tmpDir())) {
            for (Path p : entries.filter(p -> !p.getFileName().toString().startsWith("run-")).toList()) {
                RetainedCheckpoints.deleteRecursively(p);
            }
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + dir, e);
        }
    }
}
