package dev.sextant.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sextant.embedded.EmbeddedKafka;
import dev.sextant.job.protocol.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The Sextant job running on a test MiniCluster against an embedded Kafka broker, with a producer for the two
 * input topics and a background consumer collecting everything written to the results, dead-letter and reply
 * topics. One per test class; topics and group carry {@code prefix} so runs never see each other's data.
 */
final class RunningJob implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(60);

    final String points;
    final String requests;
    final String results;
    final String deadLetters;
    final String replies;
    private final EmbeddedKafka kafka;
    private final MiniCluster miniCluster;
    private final Configuration options;
    private final Path checkpoints;
    private final Configuration flinkOverrides;
    private JobClient job;
    private final KafkaProducer<String, String> producer;
    private final Thread consumerThread;
    private final AtomicBoolean running = new AtomicBoolean(true);
    /** Key → messages (results and reply topics); guarded by itself. */
    private final Map<String, List<Received>> byKey = new HashMap<>();
    private final List<JsonNode> deadLetterList = new ArrayList<>();

    /** A message read from an output topic. */
    record Received(String topic, String key, JsonNode value) {}

    private RunningJob(EmbeddedKafka kafka, MiniCluster miniCluster, String prefix, int partitions, int parallelism,
            Path checkpoints, Configuration flinkOverrides, Configuration sextantOverrides) throws Exception {
        this.kafka = kafka;
        this.miniCluster = miniCluster;
        this.flinkOverrides = flinkOverrides;
        points = prefix + ".points";
        requests = prefix + ".requests";
        results = prefix + ".results";
        deadLetters = prefix + ".dead-letter";
        replies = prefix + ".replies";
        kafka.createTopics(2, points, requests, results, deadLetters, replies);

        options = new Configuration();
        options.set(SextantOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        options.set(SextantOptions.POINTS_TOPIC, points);
        options.set(SextantOptions.REQUESTS_TOPIC, requests);
        options.set(SextantOptions.RESULTS_TOPIC, results);
        options.set(SextantOptions.DEAD_LETTER_TOPIC, deadLetters);
        options.set(SextantOptions.GROUP_ID, prefix);
        options.set(SextantOptions.PARTITIONS, partitions);
        options.set(SextantOptions.REQUESTS_STARTING_OFFSET, "earliest");
        options.addAll(sextantOverrides);
        this.checkpoints = checkpoints;
        job = submit(parallelism, null);

        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("max.request.size", String.valueOf(16 << 20));
        p.put("linger.ms", "0");
        producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());

        Properties c = new Properties();
        c.put("bootstrap.servers", kafka.bootstrapServers());
        c.put("group.id", prefix + "-test-reader");
        c.put("auto.offset.reset", "earliest");
        c.put("max.partition.fetch.bytes", String.valueOf(17 << 20));
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(results, deadLetters, replies));
        consumerThread = new Thread(() -> consume(consumer), "test-output-reader");
        consumerThread.setDaemon(true);
        consumerThread.start();
    }

    /** Submits the job at {@code parallelism}, restored from {@code savepoint} when it is not null. */
    private JobClient submit(int parallelism, String savepoint) throws Exception {
        Configuration flinkConf = new Configuration(flinkOverrides);
        flinkConf.setString("execution.checkpointing.interval", "1 s");
        flinkConf.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
        if (savepoint != null) {
            flinkConf.setString("execution.state-recovery.path", savepoint);
        }
        SextantJob.configureEnvironment(flinkConf, checkpoints);
        // Explicitly on the extension's MiniCluster: the context environment is only set per test method.
        StreamExecutionEnvironment env =
                new TestStreamEnvironment(miniCluster, flinkConf, parallelism, List.of(), List.of());
        SextantJob.kafka(options).build(env);
        return env.executeAsync("sextant-" + options.get(SextantOptions.GROUP_ID));
    }

    /** Stops the job with a savepoint under {@code dir} and starts it again from there at {@code parallelism}. */
    void restartFromSavepoint(Path dir, int parallelism) throws Exception {
        restore(stopWithSavepoint(dir), parallelism);
    }

    /** Stops the job with a savepoint under {@code dir} (waits until the job has finished); returns its path. */
    String stopWithSavepoint(Path dir) throws Exception {
        String savepoint = job.stopWithSavepoint(false, dir.toUri().toString(),
                org.apache.flink.core.execution.SavepointFormatType.CANONICAL).get(120, TimeUnit.SECONDS);
        job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
        return savepoint;
    }

    /**
     * Starts the job from {@code savepoint} at {@code parallelism}, cancelling the running job first if there is
     * one. The same savepoint can be restored more than once: each restored job reads both topics again from the
     * savepoint's offsets, so it answers the requests sent after the savepoint once more (tests use new ids).
     */
    void restore(String savepoint, int parallelism) throws Exception {
        cancelUnlessFinished();
        job = submit(parallelism, savepoint);
    }

    private void cancelUnlessFinished() throws Exception {
        if (!job.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState()) {
            job.cancel().get(60, TimeUnit.SECONDS);
            try {
                job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException cancelled) {
                // a cancelled job ends with an exception
            }
        }
    }

    /**
     * Cancels the job and starts a new one at {@code parallelism} without any state: the points source replays the
     * points topic from its earliest offset, the requests source resumes from the group's committed offsets.
     */
    void restartWithoutState(int parallelism) throws Exception {
        job.cancel().get(60, TimeUnit.SECONDS);
        try {
            job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException cancelled) {
            // a cancelled job ends with an exception
        }
        job = submit(parallelism, null);
    }

    static RunningJob start(EmbeddedKafka kafka, MiniCluster miniCluster, String prefix, int partitions,
            int parallelism, Path checkpoints) throws Exception {
        return start(kafka, miniCluster, prefix, partitions, parallelism, checkpoints, new Configuration());
    }

    /** {@link #start} with Flink settings of the test's own (e.g. {@code pipeline.object-reuse}). */
    static RunningJob start(EmbeddedKafka kafka, MiniCluster miniCluster, String prefix, int partitions,
            int parallelism, Path checkpoints, Configuration flinkOverrides) throws Exception {
        return start(kafka, miniCluster, prefix, partitions, parallelism, checkpoints, flinkOverrides,
                new Configuration());
    }

    /**
     * {@link #start} with Flink settings and {@link SextantOptions} of the test's own (e.g. a lower
     * {@code sextant.index.exact-scan-below}); the options override the defaults set here.
     */
    static RunningJob start(EmbeddedKafka kafka, MiniCluster miniCluster, String prefix, int partitions,
            int parallelism, Path checkpoints, Configuration flinkOverrides, Configuration sextantOverrides)
            throws Exception {
        return new RunningJob(kafka, miniCluster, prefix, partitions, parallelism, checkpoints, flinkOverrides,
                sextantOverrides);
    }

    private void consume(KafkaConsumer<String, String> consumer) {
        try (consumer) {
            while (running.get()) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    JsonNode value;
                    try {
                        value = Json.MAPPER.readTree(r.value());
                    } catch (Exception e) {
                        value = Json.MAPPER.getNodeFactory().textNode("NOT JSON: " + r.value());
                    }
                    synchronized (byKey) {
                        if (r.topic().equals(deadLetters)) {
                            deadLetterList.add(value);
                        } else {
                            byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(new Received(r.topic(), r.key(), value));
                        }
                        byKey.notifyAll();
                    }
                }
            }
        }
    }

    /** Sends a point operation, keyed by {@code key} (producers key by collection). */
    void sendPoints(String key, String json) {
        producer.send(new ProducerRecord<>(points, key, json));
        producer.flush();
    }

    /**
     * Sends point operations back to back, each keyed by its collection (key → value, in order), and flushes once
     * at the end: nothing waits for an acknowledgment, as a producer that pipelines its writes.
     */
    void sendPointsBackToBack(List<Map.Entry<String, String>> keyedOperations) {
        for (Map.Entry<String, String> op : keyedOperations) {
            producer.send(new ProducerRecord<>(points, op.getKey(), op.getValue()));
        }
        producer.flush();
    }

    /** Sends a {@code query} request to {@code collection} and waits for its response. */
    JsonNode query(String requestId, String collection, String body) throws InterruptedException {
        sendRequest("{\"request_id\":\"" + requestId + "\",\"op\":\"query\",\"collection\":\"" + collection
                + "\",\"body\":" + body + "}");
        return awaitKey(requestId).value();
    }

    /** Sends a {@code query_batch} request to {@code collection} and waits for its response. */
    JsonNode queryBatch(String requestId, String collection, String body) throws InterruptedException {
        sendRequest("{\"request_id\":\"" + requestId + "\",\"op\":\"query_batch\",\"collection\":\""
                + collection + "\",\"body\":" + body + "}");
        return awaitKey(requestId).value();
    }

    /** Sends a request; returns where it landed (the generated id of a request without one derives from it). */
    RecordMetadata sendRequest(String json) throws InterruptedException {
        try {
            return producer.send(new ProducerRecord<>(requests, null, json)).get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError("could not send a request", e);
        }
    }

    /** Waits for the first message with {@code key} on the results or reply topic. */
    Received awaitKey(String key) throws InterruptedException {
        return await(() -> {
            List<Received> l = byKey.get(key);
            return l == null || l.isEmpty() ? null : l.get(0);
        }, "a message with key " + key);
    }

    /** Waits for the acknowledgment of {@code opId} and checks it says completed. */
    void awaitCompleted(String opId) throws InterruptedException {
        JsonNode ack = awaitKey(opId).value();
        assertEquals("completed", ack.path("status").asText(), "ack of " + opId + ": " + ack);
    }

    /** Waits for a dead letter that satisfies {@code test}. */
    JsonNode awaitDeadLetter(Predicate<JsonNode> test, String what) throws InterruptedException {
        return await(() -> deadLetterList.stream().filter(test).findFirst().orElse(null), "a dead letter " + what);
    }

    /** All messages received so far with {@code key}. */
    List<Received> received(String key) {
        synchronized (byKey) {
            return List.copyOf(byKey.getOrDefault(key, List.of()));
        }
    }

    /** Every message received so far on the results and reply topics, by key. */
    Map<String, List<Received>> receivedByKey() {
        synchronized (byKey) {
            Map<String, List<Received>> copy = new HashMap<>();
            byKey.forEach((k, l) -> copy.put(k, List.copyOf(l)));
            return copy;
        }
    }

    /** How many messages were received so far on the results and reply topics. */
    int receivedCount() {
        synchronized (byKey) {
            return byKey.values().stream().mapToInt(List::size).sum();
        }
    }

    /** Every dead letter received so far. */
    List<JsonNode> deadLetters() {
        synchronized (byKey) {
            return List.copyOf(deadLetterList);
        }
    }

    private <T> T await(java.util.function.Supplier<T> probe, String what) throws InterruptedException {
        return await(probe, what, WAIT);
    }

    /**
     * Waits up to {@code wait} until {@code probe} returns a value, re-testing it whenever a message arrives; the
     * probe runs while holding the lock of the received messages.
     */
    <T> T await(java.util.function.Supplier<T> probe, String what, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (byKey) {
            while (true) {
                T t = probe.get();
                if (t != null) {
                    return t;
                }
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new AssertionError("timed out waiting for " + what);
                }
                byKey.wait(left);
            }
        }
    }

    /** The current job's status. */
    JobStatus status() throws Exception {
        return job.getJobStatus().get(10, TimeUnit.SECONDS);
    }

    /** The current job's execution graph (tasks and their attempts, checkpoint statistics). */
    AccessExecutionGraph executionGraph() throws Exception {
        return miniCluster.getExecutionGraph(job.getJobID()).get(10, TimeUnit.SECONDS);
    }

    /** The current job's failures as the scheduler recorded them, oldest first. */
    List<org.apache.flink.runtime.scheduler.exceptionhistory.RootExceptionHistoryEntry> exceptionHistory()
            throws Exception {
        List<org.apache.flink.runtime.scheduler.exceptionhistory.RootExceptionHistoryEntry> entries = new ArrayList<>();
        miniCluster.getExecutionGraphInfo(job.getJobID()).get(10, TimeUnit.SECONDS).getExceptionHistory()
                .forEach(entries::add);
        return entries;
    }

    /** Asserts the job is running and no task was ever restarted (attempt number 0 everywhere). */
    void assertNeverRestarted() throws Exception {
        assertEquals(JobStatus.RUNNING, job.getJobStatus().get(10, TimeUnit.SECONDS));
        AccessExecutionGraph graph = miniCluster.getExecutionGraph(job.getJobID()).get(10, TimeUnit.SECONDS);
        assertNotNull(graph);
        for (AccessExecutionVertex v : graph.getAllExecutionVertices()) {
            assertEquals(0, v.getCurrentExecutionAttempt().getAttemptNumber(),
                    "task " + v.getTaskNameWithSubtaskIndex() + " was restarted");
        }
    }

    /** Stops the job, then the broker it reads (either may be {@code null} when its start failed). */
    static void stop(RunningJob job, EmbeddedKafka kafka) throws Exception {
        try {
            if (job != null) {
                job.close();
            }
        } finally {
            if (kafka != null) {
                kafka.close();
            }
        }
    }

    @Override
    public void close() throws Exception {
        running.set(false);
        try {
            job.cancel().get(30, TimeUnit.SECONDS);
        } finally {
            producer.close(Duration.ofSeconds(5));
            consumerThread.join(5_000);
        }
    }
}
