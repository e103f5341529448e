package dev.sextant.job;

import static dev.sextant.job.Responses.assertSameJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sextant.embedded.EmbeddedKafka;
import dev.sextant.job.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.checkpoint.CheckpointStatsCounts;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Task failures on a real Kafka broker (issue 4, "Faults"): the job runs at parallelism 2 on a MiniCluster of two
 * TaskManagers with one slot each, so each TaskManager runs one subtask of every operator. The fault is a killed
 * TaskManager ({@link MiniCluster#terminateTaskManager}), the failure a cluster actually has, rather than a
 * test-only hook in the operators: nothing in the production graph knows it is being tested, every operator and
 * the Kafka source and sink fail at once, and recovery goes through Flink's restart strategy (fixed delay, set to
 * 1 s here), a new TaskManager ({@link MiniCluster#startTaskManager}) and the last completed checkpoint (every
 * second here).
 *
 * <ol>
 *   <li><b>Mid-ingest</b>: part of a seeded history ({@link SeededCatalogue}, 2,020 points with overwrites,
 *       deletes and payload changes) is sent; once some of it is acknowledged a TaskManager is killed, the rest is
 *       sent while the job is down, and a new TaskManager is started. After the restart every operation is
 *       acknowledged and the collection holds exactly the {@link ReferenceCollection}'s points (ids, payloads,
 *       vectors) and answers exact queries of every kind like it.</li>
 *   <li><b>Mid-query</b>: requests with unique ids are sent at a steady pace; once a quarter are answered a
 *       TaskManager is killed and replaced while the requests keep coming (the second half is sent only after
 *       the kill). Every request gets a response, and
 *       after de-duplication by request id (the delivery guarantee is at-least-once, {@code docs/protocol.md}
 *       §8) each has exactly one answer, the correct one; a duplicate is identical but for {@code time}.</li>
 *   <li><b>Idle</b>: the job sits idle across three checkpoints: no failed checkpoint, no restart, no output
 *       (with at-least-once there is no transaction, so no empty transaction to commit), and it still answers
 *       and acknowledges afterwards.</li>
 * </ol>
 *
 * <p>Counts (requests, raw responses, duplicates, acknowledgments, restarts) are printed for the record.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultToleranceITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(2)
            .setNumberSlotsPerTaskManager(1)
            .build());

    private static final Duration RECOVERY = Duration.ofMinutes(3);
    private static final double TOLERANCE = 1e-6;
    private static final int PAGE = 1000;
    private static final int REQUESTS = 400;

    private static final SeededCatalogue CATALOGUE = new SeededCatalogue("faults", 4242L, 2000);
    private static final ReferenceCollection REFERENCE = CATALOGUE.reference();

    private static MiniCluster cluster;
    private static EmbeddedKafka kafka;
    private static RunningJob job;
    /** Index of the next TaskManager {@link MiniCluster#startTaskManager} adds (they are never removed). */
    private static int nextTaskManager = 2;

    @BeforeAll
    static void start(@InjectMiniCluster MiniCluster miniCluster) throws Exception {
        cluster = miniCluster;
        Path dir = Files.createDirectories(Path.of("target", "it", "faults-" + System.nanoTime())).toAbsolutePath();
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        Configuration flink = new Configuration();
        flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
        Configuration options = new Configuration();
        options.set(SextantOptions.INDEX_EXACT_SCAN_BELOW, 256); // partitions hold graphs, restored after a failure
        options.set(SextantOptions.INDEX_MAX_PENDING, 16); // and pending points beside them (design §6f)
        job = RunningJob.start(kafka, miniCluster, "faults", 4, 2, dir.resolve("checkpoints"), flink, options);
    }

    @AfterAll
    static void stop() throws Exception {
        RunningJob.stop(job, kafka);
    }

    @Test
    @Order(1)
    void aTaskManagerKilledMidIngestLosesNoAcknowledgedPoint() throws Exception {
        List<SeededCatalogue.Operation> ops = CATALOGUE.operations();
        job.sendPoints(CATALOGUE.collection(), ops.get(0).json());
        job.awaitCompleted(ops.get(0).opId());
        int firstPart = ops.size() / 3;
        job.sendPointsBackToBack(keyed(ops.subList(1, firstPart)));
        job.await(() -> acked(ops) >= 3 ? true : null, "the first acknowledgments", RECOVERY);
        int ackedBeforeFailure = acked(ops);

        killATaskManager();
        job.sendPointsBackToBack(keyed(ops.subList(firstPart, ops.size()))); // while the job is down
        replaceTheTaskManager();
        awaitRecovered(1);

        job.await(() -> acked(ops) == ops.size() ? true : null, "an acknowledgment of every operation", RECOVERY);
        for (SeededCatalogue.Operation op : ops) {
            List<RunningJob.Received> acks = job.received(op.opId());
            assertEquals("completed", acks.get(0).value().path("status").asText(), acks.toString());
            for (RunningJob.Received duplicate : acks) {
                assertEquals(acks.get(0).value(), duplicate.value(), "a duplicate acknowledgment differs");
            }
        }
        int rawAcks = ops.stream().mapToInt(op -> job.received(op.opId()).size()).sum();
        System.out.printf("FaultToleranceITCase mid-ingest: %d operations (%d points in the end), %d acknowledged"
                + " before the failure, %d acknowledgments received, %d duplicates%n", ops.size(), REFERENCE.size(),
                ackedBeforeFailure, rawAcks, rawAcks - ops.size());
        assertTrue(ackedBeforeFailure < ops.size(), "the failure came after the whole ingest");
        assertEquals(List.of(), job.deadLetters(), "every operation is valid");

        // every point is there with its content, and exact queries of every kind answer as the reference does
        for (int offset = 0; offset <= REFERENCE.size(); offset += PAGE) {
            SeededCatalogue.Request page = SeededCatalogue.listing(offset, PAGE);
            assertSameJson(REFERENCE.answer(page.op(), page.body()), result("ingest-" + page.name(), page), TOLERANCE,
                    page.name() + " after the failure");
        }
        for (SeededCatalogue.Request r : CATALOGUE.exactRequests()) {
            assertSameJson(REFERENCE.answer(r.op(), r.body()), result("ingest-" + r.name(), r), TOLERANCE,
                    r.name() + " after the failure");
        }
    }

    @Test
    @Order(2)
    void aTaskManagerKilledMidQueryLeavesOneCorrectAnswerPerRequestId() throws Exception {
        List<SeededCatalogue.Request> kinds = CATALOGUE.exactRequests();
        List<JsonNode> expected = new ArrayList<>();
        for (SeededCatalogue.Request r : kinds) {
            expected.add(REFERENCE.answer(r.op(), r.body()));
        }
        AtomicInteger sent = new AtomicInteger();
        AtomicReference<Throwable> senderFailure = new AtomicReference<>();
        CountDownLatch faultInjected = new CountDownLatch(1);
        Thread sender = new Thread(() -> {
            try {
                for (int i = 0; i < REQUESTS; i++) {
                    if (i == REQUESTS / 2 && !faultInjected.await(RECOVERY.toMillis(), TimeUnit.MILLISECONDS)) {
                        throw new AssertionError("no fault was injected");
                    }
                    SeededCatalogue.Request r = kinds.get(i % kinds.size());
                    ObjectNode request = Json.MAPPER.createObjectNode()
                            .put("request_id", requestId(i)).put("op", r.op()).put("collection", CATALOGUE.collection());
                    request.set("body", r.body());
                    job.sendRequest(request.toString());
                    sent.incrementAndGet();
                    // pacing, not waiting: a steady stream of requests, so some are in flight when the fault hits
                    Thread.sleep(10);
                }
            } catch (Throwable t) {
                senderFailure.set(t);
            }
        }, "fault-test-requests");
        sender.start();
        try {
            job.await(() -> answered() >= REQUESTS / 4 ? true : null, "a quarter of the responses", RECOVERY);
            int sentBeforeFailure = sent.get();
            int answeredBeforeFailure = answered();
            killATaskManager();
            faultInjected.countDown(); // the second half of the requests goes out while the job is down or recovering
            replaceTheTaskManager();
            awaitRecovered(2);
            job.await(() -> answered() == REQUESTS ? true : null, "a response to every request", RECOVERY);
            sender.join(TimeUnit.MINUTES.toMillis(1));
            assertEquals(null, senderFailure.get(), "the sender failed");

            int raw = 0;
            int duplicated = 0;
            for (int i = 0; i < REQUESTS; i++) {
                List<RunningJob.Received> responses = job.received(requestId(i));
                raw += responses.size();
                duplicated += responses.size() > 1 ? 1 : 0;
                JsonNode first = responses.get(0).value();
                assertEquals(200, first.path("code").asInt(), first.toString());
                assertSameJson(expected.get(i % kinds.size()), first.get("result"), TOLERANCE, requestId(i));
                for (RunningJob.Received duplicate : responses) {
                    assertEquals(withoutTime(first), withoutTime(duplicate.value()), "a duplicate of " + requestId(i));
                }
            }
            System.out.printf("FaultToleranceITCase mid-query: %d requests sent (%d before the failure, %d answered"
                    + " then), %d responses received, %d request ids answered more than once, %d duplicate"
                    + " responses; after de-duplication by request id exactly %d answers%n", REQUESTS,
                    sentBeforeFailure, answeredBeforeFailure, raw, duplicated, raw - REQUESTS, REQUESTS);
        } finally {
            sender.interrupt();
            sender.join(10_000);
        }
    }

    @Test
    @Order(3)
    void idleCheckpointsChangeNothing() throws Exception {
        long completed = checkpoints().getNumberOfCompletedCheckpoints();
        awaitJob(() -> checkpoints().getNumberOfCompletedCheckpoints() > completed, "a checkpoint after the traffic");
        // everything produced before this checkpoint has been flushed to Kafka: count from here
        long failed = checkpoints().getNumberOfFailedCheckpoints();
        long from = checkpoints().getNumberOfCompletedCheckpoints();
        int messages = job.receivedCount();
        int[] attempts = attempts();
        awaitJob(() -> checkpoints().getNumberOfCompletedCheckpoints() >= from + 3, "three idle checkpoints");
        assertEquals(failed, checkpoints().getNumberOfFailedCheckpoints(), "failed checkpoints while idle");
        assertEquals(JobStatus.RUNNING, job.status());
        assertEquals(Arrays.toString(attempts), Arrays.toString(attempts()),
                "a task restarted while idle");
        assertEquals(messages, job.receivedCount(), "output while idle");
        // the failed ones were triggered while a restart was under way (tasks not running), none while idle
        System.out.printf("FaultToleranceITCase idle: %d checkpoints completed while idle, none failed (%d failed"
                + " during the two restarts)%n", checkpoints().getNumberOfCompletedCheckpoints() - from, failed);

        // and the job goes on: a write is acknowledged, a query sees it
        job.sendPoints(CATALOGUE.collection(), """
                {"op":"upsert","collection":"faults","op_id":"faults-after-idle","body":{"points":[
                  {"id":777777,"vector":{"image":[1,0,0,0,0,0,0,0,0,0,0,0],"text":[0,0,0,0,0,0,0,9]}}]}}""");
        job.awaitCompleted("faults-after-idle");
        Responses.assertPoints(job.query("after-idle", CATALOGUE.collection(), """
                {"query":[0,0,0,0,0,0,0,1],"using":"text","limit":1,"params":{"exact":true}}"""),
                new long[] {777777}, new double[] {9.0});
    }

    private static void killATaskManager() throws Exception {
        // TaskManager i is the i-th ever started: 0 and 1 at the start, then one per replacement; kill the oldest alive
        int victim = nextTaskManager - 2;
        cluster.terminateTaskManager(victim).get(60, TimeUnit.SECONDS);
    }

    private static void replaceTheTaskManager() throws Exception {
        cluster.startTaskManager();
        nextTaskManager++;
    }

    /** Waits until the job has restarted at least {@code failures} times and all its tasks run again. */
    private static void awaitRecovered(int failures) throws Exception {
        awaitJob(() -> {
            if (job.status() != JobStatus.RUNNING || job.exceptionHistory().size() < failures) {
                return false;
            }
            for (AccessExecutionVertex v : job.executionGraph().getAllExecutionVertices()) {
                if (v.getExecutionState() != ExecutionState.RUNNING || v.getCurrentExecutionAttempt().getAttemptNumber() < failures) {
                    return false;
                }
            }
            return true;
        }, "the job to restart after failure " + failures);
        String cause = job.exceptionHistory().get(failures - 1).getExceptionAsString();
        System.out.printf("FaultToleranceITCase: restart %d after %s%n", failures, cause.lines().findFirst().orElse(""));
    }

    /** A condition on the job's state (not on its output): polled every 100 ms until {@link #RECOVERY}. */
    private static void awaitJob(JobCondition condition, String what) throws Exception {
        long deadline = System.nanoTime() + RECOVERY.toNanos();
        while (!condition.holds()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(100);
        }
    }

    private interface JobCondition {
        boolean holds() throws Exception;
    }

    private static CheckpointStatsCounts checkpoints() throws Exception {
        return job.executionGraph().getCheckpointStatsSnapshot().getCounts();
    }

    private static int[] attempts() throws Exception {
        AccessExecutionGraph graph = job.executionGraph();
        List<Integer> a = new ArrayList<>();
        for (AccessExecutionVertex v : graph.getAllExecutionVertices()) {
            a.add(v.getCurrentExecutionAttempt().getAttemptNumber());
        }
        return a.stream().mapToInt(Integer::intValue).toArray();
    }

    /** How many operations have at least one acknowledgment; called under the received messages' lock. */
    private static int acked(List<SeededCatalogue.Operation> ops) {
        int n = 0;
        for (SeededCatalogue.Operation op : ops) {
            n += job.received(op.opId()).isEmpty() ? 0 : 1;
        }
        return n;
    }

    /** How many of the mid-query requests have at least one response. */
    private static int answered() {
        int n = 0;
        for (int i = 0; i < REQUESTS; i++) {
            n += job.received(requestId(i)).isEmpty() ? 0 : 1;
        }
        return n;
    }

    private static String requestId(int i) {
        return "faults-q-" + i;
    }

    private static JsonNode withoutTime(JsonNode response) {
        ObjectNode copy = response.deepCopy();
        copy.remove("time");
        return copy;
    }

    private static List<Map.Entry<String, String>> keyed(List<SeededCatalogue.Operation> ops) {
        List<Map.Entry<String, String>> keyed = new ArrayList<>();
        for (SeededCatalogue.Operation op : ops) {
            keyed.add(Map.entry(CATALOGUE.collection(), op.json()));
        }
        return keyed;
    }

    private static JsonNode result(String id, SeededCatalogue.Request r) throws InterruptedException {
        JsonNode response = r.op().equals("query")
                ? job.query(id, CATALOGUE.collection(), r.body().toString())
                : job.queryBatch(id, CATALOGUE.collection(), r.body().toString());
        assertEquals(200, response.path("code").asInt(), response.toString());
        return response.get("result");
    }
}
