package dev.sextant.job;

import static dev.sextant.job.Responses.assertError;
import static dev.sextant.job.Responses.assertHits;
import static dev.sextant.job.Responses.assertPoints;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sextant.embedded.EmbeddedKafka;
import dev.sextant.index.PointId;
import dev.sextant.job.operators.PartitionKeys;
import dev.sextant.job.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
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
 * The streaming guarantees of the job, each one a test, through Kafka and the MiniCluster with P = 4 partitions at
 * parallelism 2: operations on a collection apply in the order of their Kafka partition (no create → write race),
 * overwritten and deleted points never come back, partitions without points answer, ties are broken by id
 * identically everywhere.
 *
 * <p>One job serves all tests, each on its own collections, and it runs with {@code pipeline.object-reuse}
 * enabled: chained operators then hand each other the very same objects, so an operator that mutated a message
 * it had passed on (or a request another one reads) would change the exact results asserted here.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StreamingSemanticsITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    private static final int PARTITIONS = 4;
    private static final int PARALLELISM = 2;
    private static final PartitionKeys KEYS = new PartitionKeys(PARTITIONS, SextantJob.MAX_PARALLELISM);

    private static EmbeddedKafka kafka;
    private static RunningJob job;

    @BeforeAll
    static void start(@InjectMiniCluster MiniCluster miniCluster) throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "it", "streaming-" + System.nanoTime())).toAbsolutePath();
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        Configuration flink = new Configuration();
        flink.set(PipelineOptions.OBJECT_REUSE, true);
        job = RunningJob.start(kafka, miniCluster, "ss", PARTITIONS, PARALLELISM, dir.resolve("checkpoints"), flink);
    }

    @AfterAll
    static void stop() throws Exception {
        RunningJob.stop(job, kafka);
    }

    /**
     * The create → write race (design §3): six collections each get create → upsert → delete_collection → create
     * (another dimension) → upsert → delete → upsert, all produced back to back without waiting for any
     * acknowledgment, one Kafka partition per collection. Every operation applies against the incarnation created
     * right before it: all acknowledgments complete, nothing is dead-lettered, and exactly the last incarnation's
     * points are there.
     */
    @Test
    @Order(1)
    void operationsOnACollectionApplyInTheOrderOfItsKafkaPartition() throws Exception {
        List<String> collections = IntStream.range(0, 6).mapToObj(i -> "race-" + i).toList();
        List<Map.Entry<String, String>> ops = new ArrayList<>();
        List<String> opIds = new ArrayList<>();
        String[] steps = {
            "{\"op\":\"create_collection\",\"collection\":\"%s\",\"op_id\":\"%s\",\"body\":{\"vectors\":{\"size\":2,\"distance\":\"Dot\"}}}",
            "{\"op\":\"upsert\",\"collection\":\"%s\",\"op_id\":\"%s\",\"body\":{\"points\":["
                    + IntStream.rangeClosed(1, 6).mapToObj(i -> "{\"id\":" + i + ",\"vector\":[" + i + ",0]}")
                            .collect(Collectors.joining(",")) + "]}}",
            "{\"op\":\"delete_collection\",\"collection\":\"%s\",\"op_id\":\"%s\"}",
            "{\"op\":\"create_collection\",\"collection\":\"%s\",\"op_id\":\"%s\",\"body\":{\"vectors\":{\"size\":3,\"distance\":\"Dot\"}}}",
            "{\"op\":\"upsert\",\"collection\":\"%s\",\"op_id\":\"%s\",\"body\":{\"points\":["
                    + IntStream.rangeClosed(4, 9).mapToObj(i -> "{\"id\":" + i + ",\"vector\":[0,0," + i + "]}")
                            .collect(Collectors.joining(",")) + "]}}",
            "{\"op\":\"delete\",\"collection\":\"%s\",\"op_id\":\"%s\",\"body\":{\"points\":[9]}}",
            "{\"op\":\"upsert\",\"collection\":\"%s\",\"op_id\":\"%s\",\"body\":{\"points\":[{\"id\":5,\"vector\":[0,0,50]}]}}",
        };
        for (int step = 0; step < steps.length; step++) {
            for (String c : collections) {
                String opId = c + "-step-" + step;
                ops.add(Map.entry(c, steps[step].formatted(c, opId)));
                opIds.add(opId);
            }
        }
        job.sendPointsBackToBack(ops);
        for (String opId : opIds) {
            job.awaitCompleted(opId);
        }
        for (String c : collections) {
            assertPoints(job.query(c + "-q", c, "{\"query\":[0,0,1]}"),
                    new long[] {5, 8, 7, 6, 4}, new double[] {50, 8, 7, 6, 4});
            // points of the first incarnation are gone, also as examples
            assertError(job.query(c + "-q-old", c, "{\"query\":1}"), 404, "No point with id 1 found");
        }
        assertTrue(job.deadLetters().stream().noneMatch(d -> d.path("op_id").asText().startsWith("race-")),
                job.deadLetters().toString());
    }

    /** Overwrites of one point in quick succession: after the last one's acknowledgment only it is visible. */
    @Test
    @Order(2)
    void anOverwrittenPointIsNeverReturnedWithItsOldVectorOrPayload() throws Exception {
        createCollection("over", "{\"size\":2,\"distance\":\"Dot\"}");
        List<Map.Entry<String, String>> ops = new ArrayList<>();
        ops.add(Map.entry("over", upsert("over", "over-0", "{\"id\":2,\"vector\":[0,1],\"payload\":{\"v\":100}}")));
        for (int v = 1; v <= 20; v++) {
            ops.add(Map.entry("over", upsert("over", "over-" + v,
                    "{\"id\":1,\"vector\":[1," + v + "],\"payload\":{\"v\":" + v + "}}")));
        }
        job.sendPointsBackToBack(ops);
        job.awaitCompleted("over-20");
        JsonNode r = job.query("over-q", "over", """
                {"query":[0,1],"with_payload":true,"with_vector":true}""");
        assertPoints(r, new long[] {1, 2}, new double[] {20, 1});
        assertEquals(Json.readTrusted("{\"v\":20}"), r.at("/result/points/0/payload"));
        assertEquals(Json.readTrusted("[1.0,20.0]"), r.at("/result/points/0/vector"));
        // no old payload is left for a filter to find, in the index or in the store (as an example)
        assertPoints(job.query("over-q-old", "over", """
                {"query":[0,1],"filter":{"must":{"key":"v","range":{"lt":20}}}}"""), new long[0], new double[0]);
        // as an example, point 1 is its last version: [1,20]·[0,1] = 20
        assertPoints(job.query("over-q-example", "over", "{\"query\":1}"), new long[] {2}, new double[] {20});
    }

    @Test
    @Order(3)
    void aDeletedPointIsNeverReturnedAndAsAnExampleGives404() throws Exception {
        createCollection("del", "{\"size\":2,\"distance\":\"Dot\"}");
        job.sendPointsBackToBack(List.of(
                Map.entry("del", upsert("del", "del-u", "{\"id\":1,\"vector\":[1,0]},{\"id\":2,\"vector\":[2,0]},"
                        + "{\"id\":3,\"vector\":[3,0]},{\"id\":4,\"vector\":[4,0]}")),
                Map.entry("del", "{\"op\":\"delete\",\"collection\":\"del\",\"op_id\":\"del-d\",\"body\":{\"points\":[2,4]}}")));
        job.awaitCompleted("del-u");
        job.awaitCompleted("del-d");
        assertPoints(job.query("del-q", "del", "{\"query\":[1,0]}"), new long[] {3, 1}, new double[] {3, 1});
        assertPoints(job.query("del-q-id", "del", """
                {"query":[1,0],"filter":{"must":{"has_id":[2,4]}}}"""), new long[0], new double[0]);
        assertError(job.query("del-q-example", "del", """
                {"query":{"recommend":{"positive":[3,2]}}}"""), 404, "Not found: No point with id 2 found");
        assertError(job.query("del-q-nearest", "del", "{\"query\":4}"), 404, "Not found: No point with id 4 found");
    }

    /**
     * A collection whose one point lives in a partition of subtask 0: subtask 1 owns none of its points and still
     * answers (the merge waits for both). An empty collection answers a batch with one empty result per search.
     */
    @Test
    @Order(4)
    void partitionsWithoutPointsStillAnswer() throws Exception {
        Set<Integer> ownedBy0 = Arrays.stream(KEYS.ownedKeys(PARALLELISM, 0)).boxed().collect(Collectors.toSet());
        long id = 1;
        while (!ownedBy0.contains(KEYS.key(KEYS.partitionOf("lonely", PointId.of(id))))) {
            id++;
        }
        createCollection("lonely", "{\"size\":2,\"distance\":\"Dot\"}");
        job.sendPoints("lonely", upsert("lonely", "lonely-u", "{\"id\":" + id + ",\"vector\":[1,1]}"));
        job.awaitCompleted("lonely-u");
        assertPoints(job.query("lonely-q", "lonely", "{\"query\":[1,0]}"), new long[] {id}, new double[] {1});

        createCollection("empty", "{\"size\":2,\"distance\":\"Dot\"}");
        assertPoints(job.query("empty-q", "empty", "{\"query\":[1,0]}"), new long[0], new double[0]);
        JsonNode batch = job.queryBatch("empty-batch", "empty", """
                {"searches":[{"query":[1,0]},{"query":[0,1],"limit":3,"offset":2},{"filter":{"must":{"key":"a","match":{"value":1}}}}]}""");
        assertEquals(200, batch.path("code").asInt(), batch.toString());
        assertEquals(3, batch.path("result").size(), batch.toString());
        for (JsonNode result : batch.path("result")) {
            assertEquals(0, result.path("points").size(), batch.toString());
        }
    }

    /**
     * Twelve points with the same vector, so every score ties, spread over all four partitions and both subtasks:
     * pages with different offsets are consecutive, disjoint slices of the one order by id, whether asked one by
     * one or in a batch.
     */
    @Test
    @Order(5)
    void tiesAreBrokenByIdAcrossPartitionsAndPages() throws Exception {
        Set<Integer> partitions = new TreeSet<>();
        StringBuilder points = new StringBuilder();
        for (long id = 1; id <= 12; id++) {
            partitions.add(KEYS.partitionOf("ties", PointId.of(id)));
            points.append(id == 1 ? "" : ",").append("{\"id\":").append(id).append(",\"vector\":[1,1]}");
        }
        assertEquals(Set.of(0, 1, 2, 3), partitions, "the tied points must live in every partition");
        createCollection("ties", "{\"size\":2,\"distance\":\"Dot\"}");
        job.sendPoints("ties", upsert("ties", "ties-u", points.toString()));
        job.awaitCompleted("ties-u");
        for (int page = 0; page < 3; page++) {
            long[] ids = LongRange.of(page * 4 + 1, page * 4 + 4);
            assertPoints(job.query("ties-q-" + page, "ties", "{\"query\":[1,1],\"limit\":4,\"offset\":" + page * 4 + "}"),
                    ids, new double[] {2, 2, 2, 2});
        }
        JsonNode batch = job.queryBatch("ties-batch", "ties", """
                {"searches":[{"query":[1,1],"limit":5,"offset":7},{"query":[1,1],"limit":3,"offset":0},
                             {"query":[1,1],"limit":4,"offset":3}]}""");
        assertEquals(200, batch.path("code").asInt(), batch.toString());
        assertHits(batch.at("/result/0/points"), LongRange.of(8, 12), new double[] {2, 2, 2, 2, 2}, batch);
        assertHits(batch.at("/result/1/points"), LongRange.of(1, 3), new double[] {2, 2, 2}, batch);
        assertHits(batch.at("/result/2/points"), LongRange.of(4, 7), new double[] {2, 2, 2, 2}, batch);
    }

    /*
     * Payload operations and delete by filter (issue 3), on collection "pay", each step checked by exact query
     * results before and after. Points n = 1..5 at [n, 0] (Dot with [1, 0] scores n).
     */

    private static final String PAY_ALL = "{\"query\":[1,0],\"with_payload\":true,\"limit\":10}";

    @Test
    @Order(10)
    void setPayloadByIdsMergesTopLevelKeys() throws Exception {
        createCollection("pay", "{\"size\":2,\"distance\":\"Dot\"}");
        job.sendPoints("pay", upsert("pay", "pay-u", """
                {"id":1,"vector":[1,0],"payload":{"color":"red","n":1,"tags":["a","b"]}},
                {"id":2,"vector":[2,0],"payload":{"color":"blue","n":2}},
                {"id":3,"vector":[3,0],"payload":{"color":"red","n":3,"nest":{"x":1}}},
                {"id":4,"vector":[4,0],"payload":{"n":4}},
                {"id":5,"vector":[5,0],"payload":{"color":"green","n":5}}"""));
        job.awaitCompleted("pay-u");
        assertPoints(payQuery("pay-a-before", "{\"must\":{\"key\":\"color\",\"match\":{\"value\":\"black\"}}}"),
                new long[0], new double[0]);
        payOp("pay-a", "set_payload", "{\"payload\":{\"color\":\"black\",\"extra\":true},\"points\":[1,4]}");
        JsonNode after = payQuery("pay-a-after", "{\"must\":{\"key\":\"color\",\"match\":{\"value\":\"black\"}}}");
        assertPoints(after, new long[] {4, 1}, new double[] {4, 1});
        assertPayloads(after, """
                {"4":{"n":4,"color":"black","extra":true},"1":{"color":"black","n":1,"tags":["a","b"],"extra":true}}""");
    }

    @Test
    @Order(11)
    void setPayloadWithAKeyMergesIntoTheObjectAtThatPath() throws Exception {
        assertPoints(payQuery("pay-b-before", "{\"must\":{\"key\":\"nest.y\",\"match\":{\"value\":2}}}"),
                new long[0], new double[0]);
        payOp("pay-b", "set_payload", "{\"payload\":{\"y\":2},\"points\":[3],\"key\":\"nest\"}");
        JsonNode after = payQuery("pay-b-after", "{\"must\":{\"key\":\"nest.y\",\"match\":{\"value\":2}}}");
        assertPoints(after, new long[] {3}, new double[] {3});
        assertPayloads(after, "{\"3\":{\"color\":\"red\",\"n\":3,\"nest\":{\"x\":1,\"y\":2}}}");
    }

    /** The filter operation follows an upsert it must see, produced right before it without waiting. */
    @Test
    @Order(12)
    void overwritePayloadByFilterSeesTheWritesBeforeIt() throws Exception {
        job.sendPointsBackToBack(List.of(
                Map.entry("pay", upsert("pay", "pay-c-u", "{\"id\":6,\"vector\":[6,0],\"payload\":{\"color\":\"red\",\"n\":6}}")),
                Map.entry("pay", payOperation("pay-c", "overwrite_payload",
                        "{\"payload\":{\"color\":\"white\"},\"filter\":{\"must\":{\"key\":\"color\",\"match\":{\"value\":\"red\"}}}}"))));
        job.awaitCompleted("pay-c-u");
        job.awaitCompleted("pay-c");
        assertPoints(payQuery("pay-c-red", "{\"must\":{\"key\":\"color\",\"match\":{\"value\":\"red\"}}}"),
                new long[0], new double[0]);
        JsonNode white = payQuery("pay-c-white", "{\"must\":{\"key\":\"color\",\"match\":{\"value\":\"white\"}}}");
        assertPoints(white, new long[] {6, 3}, new double[] {6, 3});
        assertPayloads(white, "{\"6\":{\"color\":\"white\"},\"3\":{\"color\":\"white\"}}");
    }

    @Test
    @Order(13)
    void deletePayloadRemovesKeys() throws Exception {
        String withN = "{\"must\":{\"key\":\"n\",\"range\":{\"gte\":0}}}";
        assertPoints(payQuery("pay-d-before", withN), new long[] {5, 4, 2, 1}, new double[] {5, 4, 2, 1});
        payOp("pay-d", "delete_payload", "{\"keys\":[\"n\",\"tags\"],\"points\":[1,2]}");
        assertPoints(payQuery("pay-d-after", withN), new long[] {5, 4}, new double[] {5, 4});
        assertPayloads(payQuery("pay-d-all", null), """
                {"6":{"color":"white"},"5":{"color":"green","n":5},"4":{"n":4,"color":"black","extra":true},
                 "3":{"color":"white"},"2":{"color":"blue"},"1":{"color":"black","extra":true}}""");
    }

    @Test
    @Order(14)
    void clearPayloadByFilterEmptiesThePayloads() throws Exception {
        String extra = "{\"must\":{\"key\":\"extra\",\"match\":{\"value\":true}}}";
        assertPoints(payQuery("pay-e-before", extra), new long[] {4, 1}, new double[] {4, 1});
        payOp("pay-e", "clear_payload", "{\"filter\":" + extra + "}");
        assertPoints(payQuery("pay-e-after", extra), new long[0], new double[0]);
        assertPoints(payQuery("pay-e-empty", "{\"must\":{\"is_empty\":{\"key\":\"color\"}}}"),
                new long[] {4, 1}, new double[] {4, 1});
    }

    @Test
    @Order(15)
    void deleteByFilterRemovesTheAdmittedPoints() throws Exception {
        payOp("pay-f", "delete", "{\"filter\":{\"must\":{\"key\":\"color\",\"match\":{\"value\":\"green\"}}}}");
        assertPoints(payQuery("pay-f-after", null), new long[] {6, 4, 3, 2, 1}, new double[] {6, 4, 3, 2, 1});
        assertError(job.query("pay-f-example", "pay", "{\"query\":5}"), 404, "Not found: No point with id 5 found");
    }

    /**
     * Qdrant answers a payload operation that lists a missing id with 404 "No point with id N found", naming the
     * first missing id, after applying the listed points that exist; so does the job, once they are applied.
     */
    @Test
    @Order(16)
    void aPayloadOperationOnAMissingIdFailsWith404AfterApplyingTheOthers() throws Exception {
        job.sendPoints("pay", payOperation("pay-g", "set_payload", "{\"payload\":{\"z\":1},\"points\":[2,99,98]}"));
        Responses.assertFailedAck(job, "pay-g", 404, "Not found: No point with id 99 found");
        JsonNode all = payQuery("pay-g-after", null);
        assertPoints(all, new long[] {6, 4, 3, 2, 1}, new double[] {6, 4, 3, 2, 1});
        assertPayloads(all, """
                {"6":{"color":"white"},"4":{},"3":{"color":"white"},"2":{"color":"blue","z":1},"1":{}}""");
        assertTrue(job.deadLetters().stream().noneMatch(d -> d.path("op_id").asText().startsWith("pay-")),
                job.deadLetters().toString());
    }

    @Test
    @Order(17)
    void malformedPayloadOperationsAreDeadLetteredWithAnErrorAck() throws Exception {
        String[][] bad = {
            {"pay-x1", "set_payload", "{\"points\":[1]}", "400", "missing field `payload`"},
            {"pay-x2", "overwrite_payload", "{\"payload\":{\"a\":1}}", "400", "Either list of point ids or filter must be provided"},
            {"pay-x3", "delete_payload", "{\"keys\":\"n\",\"points\":[1]}", "400", "keys"},
            {"pay-x4", "clear_payload", "{\"points\":[-1]}", "400", "point id"},
            {"pay-x5", "delete", "{\"filter\":{\"must\":{\"key\":\"a\",\"matches\":{}}}}", "400", "filter.must"},
        };
        List<Map.Entry<String, String>> ops = new ArrayList<>();
        for (String[] b : bad) {
            ops.add(Map.entry("pay", payOperation(b[0], b[1], b[2])));
        }
        ops.add(Map.entry("nowhere", "{\"op\":\"set_payload\",\"collection\":\"nowhere\",\"op_id\":\"pay-x6\","
                + "\"body\":{\"payload\":{},\"points\":[1]}}"));
        job.sendPointsBackToBack(ops);
        for (String[] b : bad) {
            Responses.assertFailedAck(job, b[0], Integer.parseInt(b[3]), b[4]);
            JsonNode dead = job.awaitDeadLetter(d -> b[0].equals(d.path("op_id").asText()), "for " + b[0]);
            assertEquals(Integer.parseInt(b[3]), dead.get("code").asInt(), dead.toString());
        }
        Responses.assertFailedAck(job, "pay-x6", 404, "Collection `nowhere` doesn't exist!");
        // nothing changed
        assertPayloads(payQuery("pay-x-after", null), """
                {"6":{"color":"white"},"4":{},"3":{"color":"white"},"2":{"color":"blue","z":1},"1":{}}""");
    }

    private static String payOperation(String opId, String op, String body) {
        return "{\"op\":\"" + op + "\",\"collection\":\"pay\",\"op_id\":\"" + opId + "\",\"body\":" + body + "}";
    }

    private static void payOp(String opId, String op, String body) throws InterruptedException {
        job.sendPoints("pay", payOperation(opId, op, body));
        job.awaitCompleted(opId);
    }

    /** Every point of "pay" that passes {@code filter} (null: all), nearest to [1, 0] first, with payloads. */
    private static JsonNode payQuery(String requestId, String filter) throws InterruptedException {
        return job.query(requestId, "pay", filter == null ? PAY_ALL
                : "{\"query\":[1,0],\"with_payload\":true,\"limit\":10,\"filter\":" + filter + "}");
    }

    /** The response's payloads by id equal {@code expected} ({"id": payload, ...}). */
    private static void assertPayloads(JsonNode response, String expected) {
        com.fasterxml.jackson.databind.node.ObjectNode actual = Json.MAPPER.createObjectNode();
        for (JsonNode p : response.path("result").path("points")) {
            actual.set(p.get("id").asText(), p.get("payload"));
        }
        assertEquals(Json.readTrusted(expected), actual, response.toString());
    }

    @Test
    @Order(100)
    void jobNeverRestarted() throws Exception {
        job.assertNeverRestarted();
    }

    private static void createCollection(String name, String vectors) throws InterruptedException {
        job.sendPoints(name, "{\"op\":\"create_collection\",\"collection\":\"" + name + "\",\"op_id\":\"create-" + name
                + "\",\"body\":{\"vectors\":" + vectors + "}}");
        job.awaitCompleted("create-" + name);
    }

    private static String upsert(String collection, String opId, String points) {
        return "{\"op\":\"upsert\",\"collection\":\"" + collection + "\",\"op_id\":\"" + opId
                + "\",\"body\":{\"points\":[" + points + "]}}";
    }

    /** Inclusive ranges of ids. */
    private static final class LongRange {
        static long[] of(long from, long to) {
            return java.util.stream.LongStream.rangeClosed(from, to).toArray();
        }
    }
}
