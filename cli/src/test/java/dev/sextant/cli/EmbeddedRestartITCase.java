package dev.sextant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The embedded mode keeps its data like a database: {@link EmbeddedStack} started again on the same data
 * directory resumes from the latest retained checkpoint with every acknowledged write (upserts, an overwrite,
 * a delete), after a clean stop and after {@code kill -9} of a {@code ./sextant up} process; a checkpoint that
 * cannot be restored fails the start and keeps the files; {@code --fresh} starts empty.
 *
 * <p>The collection uses Dot on 4 dimensions and point i has the vector (i, 1, 0, 0), so the query (1, 0, 0, 0)
 * scores point i exactly i: the expected result is the acknowledged points, best first, with exact scores.
 */
class EmbeddedRestartITCase {

    private static final String COLLECTION = "restart";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private Path dataDir;
    private Process process;

    @BeforeEach
    void createDataDir() throws IOException {
        TestData.createTmpDir();
        dataDir = Files.createTempDirectory("restart-it");
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (process != null) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        SextantCli.deleteRecursively(dataDir);
    }

    @Test
    void cleanStopResumesFromTheLatestCheckpointAnIncompatibleOneIsRefusedAndFreshStartsEmpty() throws Exception {
        StackConfig config = StackConfig.forTests(dataDir);
        Map<Long, Double> acknowledged = new TreeMap<>();
        String firstJob;
        try (EmbeddedStack stack = EmbeddedStack.start(config);
                SextantClient client = stack.client()) {
            assertTrue(stack.restoredCheckpoint().isEmpty());
            assertEquals("empty (no retained checkpoint in " + config.checkpointDir() + ")", stack.stateDescription());
            firstJob = stack.jobId().toHexString();
            createCollection(client);
            upsert(client, acknowledged, 1, 30);
            overwrite(client, acknowledged, 7, 100);
            delete(client, acknowledged, 5);
            awaitCheckpointTakenFromNow(config.checkpointDir());
        }
        RetainedCheckpoints.Checkpoint latest = RetainedCheckpoints.latest(config.checkpointDir()).orElseThrow();

        try (EmbeddedStack stack = EmbeddedStack.start(config);
                SextantClient client = stack.client()) {
            assertEquals(Optional.of(latest.dir()), stack.restoredCheckpoint());
            assertTrue(stack.stateDescription().startsWith("restored checkpoint " + latest.id() + " of "),
                    stack.stateDescription());
            assertTrue(stack.stateDescription().endsWith("(" + latest.dir() + ")"), stack.stateDescription());
            String printed = printed(stack);
            assertTrue(printed.contains("  state             restored checkpoint " + latest.id()), printed);
            assertPoints(acknowledged, client);

            // Once the new job has a checkpoint of its own, the first job's directory goes, and Flink keeps
            // two checkpoints of the new one.
            String job = stack.jobId().toHexString();
            await("only the new job's checkpoints are left", () -> {
                List<RetainedCheckpoints.Checkpoint> all = RetainedCheckpoints.all(config.checkpointDir());
                return !all.isEmpty() && all.stream().allMatch(c -> c.jobId().equals(job)) && all.size() <= 2
                        && !Files.exists(config.checkpointDir().resolve(firstJob));
            });
        }
        RetainedCheckpoints.Checkpoint kept = RetainedCheckpoints.latest(config.checkpointDir()).orElseThrow();

        // Index partitions refuse state written with another partition count: the start fails, names the
        // checkpoint, the cause and --fresh, and deletes nothing.
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> EmbeddedStack.start(
                config.withSettings(Map.of("sextant.partitions", "8"))).close());
        assertTrue(refused.getMessage().startsWith("Cannot restore checkpoint " + kept.id() + " (" + kept.dir() + "): "),
                refused.getMessage());
        assertTrue(refused.getMessage().contains("sextant.partitions is 8 but the restored state was written with 4"),
                refused.getMessage());
        assertTrue(refused.getMessage().contains("Nothing was deleted"), refused.getMessage());
        assertTrue(refused.getMessage().contains("--fresh"), refused.getMessage());
        assertEquals(Optional.of(kept), RetainedCheckpoints.latest(config.checkpointDir()));

        // The same data directory still restores with the right settings...
        try (EmbeddedStack stack = EmbeddedStack.start(config);
                SextantClient client = stack.client()) {
            assertEquals(Optional.of(kept.dir()), stack.restoredCheckpoint());
            assertPoints(acknowledged, client);
        }

        // ... and --fresh starts empty: no collection, no checkpoint of an earlier job.
        try (EmbeddedStack stack = EmbeddedStack.start(config.withFresh(true));
                SextantClient client = stack.client()) {
            assertTrue(stack.restoredCheckpoint().isEmpty());
            assertEquals("empty (--fresh: the Kafka log and the checkpoints were deleted)", stack.stateDescription());
            String job = stack.jobId().toHexString();
            assertTrue(RetainedCheckpoints.all(config.checkpointDir()).stream().allMatch(c -> c.jobId().equals(job)));
            Reply reply = SextantClient.await(client.submitRequest(Messages.query(COLLECTION, nearestBody())), TIMEOUT,
                    "query");
            assertEquals(404, reply.code(), reply.body().toString());
            assertEquals("Not found: Collection `restart` doesn't exist!", reply.error());
        }
    }

    /**
     * {@code ./sextant up} in another JVM (checkpoints every 5 s), killed with SIGKILL right after the last
     * acknowledgment, well before the next checkpoint: the last writes are in no checkpoint, and the restart
     * restores the latest one and re-reads the points topic from its offsets.
     */
    @Test
    void killMinusNineOfSextantUpLosesNoAcknowledgedWrite() throws Exception {
        int[] ports = freePorts();
        process = startSextantUp(ports[0], ports[1]);
        List<String> output = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> readLines(process, output), "sextant-up-output");
        reader.setDaemon(true);
        reader.start();
        // generous: the child JVM starts a broker and a MiniCluster; a loaded 2-core machine needed over 120 s once
        await(() -> "./sextant up printed 'Press Ctrl-C to stop.' (output: " + output + ")", Duration.ofSeconds(240),
                () -> output.contains("Press Ctrl-C to stop.") || !process.isAlive());
        assertTrue(process.isAlive(), () -> "./sextant up ended: " + output);
        StackConfig config = StackConfig.forTests(dataDir);
        assertTrue(output.contains("  state             empty (no retained checkpoint in " + config.checkpointDir() + ")"),
                output::toString);

        Map<Long, Double> acknowledged = new TreeMap<>();
        long checkpointed;
        try (SextantClient client = SextantClient.connect("localhost:" + ports[0],
                SextantClient.Topics.defaults(), new java.util.Properties())) {
            createCollection(client);
            upsert(client, acknowledged, 1, 20);
            checkpointed = awaitCheckpointTakenFromNow(config.checkpointDir());
            upsert(client, acknowledged, 21, 40);
            overwrite(client, acknowledged, 3, 50);
            delete(client, acknowledged, 11);
            process.destroyForcibly(); // SIGKILL: no shutdown hook, no last checkpoint, no clean broker stop
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(137, process.exitValue());
        RetainedCheckpoints.Checkpoint latest = RetainedCheckpoints.latest(config.checkpointDir()).orElseThrow();
        assertEquals(checkpointed, latest.id(), "no checkpoint after the one awaited (the writes after it are replayed)");

        try (EmbeddedStack stack = EmbeddedStack.start(config);
                SextantClient client = stack.client()) {
            assertEquals(Optional.of(latest.dir()), stack.restoredCheckpoint());
            assertTrue(stack.stateDescription().startsWith("restored checkpoint " + latest.id() + " of "),
                    stack.stateDescription());
            assertPoints(acknowledged, client);
        }
    }

    @Test
    void aSecondStackOnTheSameDataDirectoryIsRefused() throws Exception {
        try (EmbeddedStack stack = EmbeddedStack.start(StackConfig.forTests(dataDir))) {
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                    () -> EmbeddedStack.start(StackConfig.forTests(dataDir).withFresh(true)).close());
            assertTrue(refused.getMessage().contains("is in use by another Sextant"), refused.getMessage());
            assertTrue(Files.isDirectory(stack.config().kafkaDir().resolve("sextant.points-0")),
                    "--fresh of the refused stack deleted nothing");
        }
    }

    // --- writes, each acknowledged, recorded as id → expected score of the query (1, 0, 0, 0) ---

    private static void createCollection(SextantClient client) {
        SextantClient.awaitOk(client.submitOp(Messages.createCollection(COLLECTION, 4, "Dot")), TIMEOUT,
                "create_collection");
    }

    private static void upsert(SextantClient client, Map<Long, Double> acknowledged, int from, int to) {
        List<ObjectNode> points = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            points.add(point(i, i));
        }
        SextantClient.awaitOk(client.submitOp(Messages.upsert(COLLECTION, points)), TIMEOUT, "upsert");
        for (int i = from; i <= to; i++) {
            acknowledged.put((long) i, (double) i);
        }
    }

    private static void overwrite(SextantClient client, Map<Long, Double> acknowledged, long id, double x) {
        SextantClient.awaitOk(client.submitOp(Messages.upsert(COLLECTION, List.of(point(id, x)))), TIMEOUT, "upsert");
        acknowledged.put(id, x);
    }

    private static void delete(SextantClient client, Map<Long, Double> acknowledged, long id) {
        ObjectNode op = Messages.json().createObjectNode();
        op.put("op", "delete");
        op.put("collection", COLLECTION);
        op.putObject("body").putArray("points").add(id);
        SextantClient.awaitOk(client.submitOp(op), TIMEOUT, "delete");
        acknowledged.remove(id);
    }

    private static ObjectNode point(long id, double x) {
        ObjectNode p = Messages.json().createObjectNode();
        p.put("id", id);
        p.putArray("vector").add(x).add(1.0).add(0.0).add(0.0);
        p.putObject("payload").put("x", x);
        return p;
    }

    private static ObjectNode nearestBody() {
        ObjectNode body = Messages.json().createObjectNode();
        body.putArray("query").add(1.0).add(0.0).add(0.0).add(0.0);
        body.put("limit", 1000);
        body.put("with_payload", true);
        return body;
    }

    /** Exactly the acknowledged points, best first (score = x, ties by id), with their payloads. */
    private static void assertPoints(Map<Long, Double> acknowledged, SextantClient client) {
        List<Map.Entry<Long, Double>> expected = new ArrayList<>(acknowledged.entrySet());
        expected.sort(Map.Entry.<Long, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        Reply reply = client.call(Messages.query(COLLECTION, nearestBody()), TIMEOUT);
        assertEquals(200, reply.code(), reply.body().toString());
        JsonNode points = reply.body().get("result").get("points");
        List<Long> ids = new ArrayList<>();
        points.forEach(p -> ids.add(p.get("id").asLong()));
        assertEquals(expected.stream().map(Map.Entry::getKey).toList(), ids);
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).getValue(), points.get(i).get("score").asDouble(), 1e-6);
            assertEquals(expected.get(i).getValue(), points.get(i).get("payload").get("x").asDouble(), 0.0);
        }
    }

    // --- checkpoints and processes ---

    /**
     * Waits for a checkpoint that was triggered after this call. With one checkpoint at a time (Flink's
     * default), if K is the latest complete id now, K + 1 may already be running, but K + 2 starts only after
     * this call.
     */
    private static long awaitCheckpointTakenFromNow(Path checkpointDir) {
        long now = RetainedCheckpoints.latest(checkpointDir).map(RetainedCheckpoints.Checkpoint::id).orElse(0L);
        await("a checkpoint after " + now, () -> RetainedCheckpoints.all(checkpointDir).stream()
                .anyMatch(c -> c.id() >= now + 2));
        return RetainedCheckpoints.latest(checkpointDir).orElseThrow().id();
    }

    private static String printed(EmbeddedStack stack) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SextantCli.printStack(new PrintStream(bytes, true, StandardCharsets.UTF_8), stack, Duration.ZERO);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private Process startSextantUp(int port, int controllerPort) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!arg.startsWith("-Xmx") && !arg.startsWith("-agentlib") && !arg.startsWith("-javaagent")) {
                command.add(arg);
            }
        }
        command.add("-Xmx1g");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.addAll(List.of(SextantCli.class.getName(), "up", "--data-dir", dataDir.toString(),
                "--port", String.valueOf(port), "--controller-port", String.valueOf(controllerPort),
                "--checkpoint-interval", "5"));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static void readLines(Process process, List<String> lines) {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lines.add(line);
            }
        } catch (IOException e) {
            // the process was killed
        }
    }

    private static int[] freePorts() throws IOException {
        try (ServerSocket a = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ServerSocket b = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new int[] {a.getLocalPort(), b.getLocalPort()};
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        await(what, TIMEOUT, condition);
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) {
        await(() -> what, timeout, condition);
    }

    /** {@code what} is evaluated only on failure, so it can show output gathered while waiting. */
    private static void await(java.util.function.Supplier<String> what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Not true after " + timeout.toSeconds() + " s: " + what.get());
            }
            try {
                TimeUnit.MILLISECONDS.sleep(100); // poll interval; the wait is bounded by the deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted while waiting for: " + what.get(), e);
            }
        }
    }
}
