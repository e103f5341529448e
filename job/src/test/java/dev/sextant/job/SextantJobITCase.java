package dev.sextant.job;

import static dev.sextant.job.Responses.assertError;
import static dev.sextant.job.Responses.assertPoints;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sextant.embedded.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole job through a real Kafka broker on a MiniCluster (RocksDB, checkpoints every second, P = 4 at
 * parallelism 2): collections, upserts with acknowledgments, queries with exact ids and scores, deletes, and
 * bad input on both topics answered without disturbing valid traffic or restarting the job.
 *
 * <p>One job serves all tests; each test uses its own collections. The last test checks that no task was ever
 * restarted and that RocksDB checkpoints were written.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SextantJobITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    private static final String SHOP_POINTS = """
            {"op":"upsert","collection":"shop","op_id":"u-shop","body":{"points":[
              {"id":1,"vector":[0.05,0.61,0.76,0.74],"payload":{"city":"Berlin","price":10}},
              {"id":2,"vector":[0.19,0.81,0.75,0.11],"payload":{"city":"London","price":11}},
              {"id":3,"vector":[0.36,0.55,0.47,0.94],"payload":{"city":"Moscow","price":9.5}},
              {"id":4,"vector":[0.18,0.01,0.85,0.80],"payload":{"city":"London","price":9}},
              {"id":5,"vector":[0.24,0.18,0.22,0.44],"payload":{"city":"Berlin","price":4}},
              {"id":6,"vector":[0.35,0.08,0.11,0.44],"payload":{"city":"London","price":20}}]}}""";

    private static Path dir;
    private static EmbeddedKafka kafka;
    private static RunningJob job;

    @BeforeAll
    static void start(@InjectMiniCluster MiniCluster miniCluster) throws Exception {
        dir = Files.createDirectories(Path.of("target", "it", "sextant-job-" + System.nanoTime())).toAbsolutePath();
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        job = RunningJob.start(kafka, miniCluster, "sj", 4, 2, dir.resolve("checkpoints"));
        job.sendPoints("shop", """
                {"op":"create_collection","collection":"shop","op_id":"c-shop",
                 "body":{"vectors":{"size":4,"distance":"Dot"}}}""");
        job.awaitCompleted("c-shop");
        job.sendPoints("shop", SHOP_POINTS);
        job.awaitCompleted("u-shop");
    }

    @AfterAll
    static void stop() throws Exception {
        RunningJob.stop(job, kafka);
    }

    @Test
    @Order(1)
    void nearestQueryReturnsExactIdsScoresAndPayloads() throws Exception {
        JsonNode r = query("q-nearest", "shop", """
                {"query":[0.2,0.1,0.9,0.7],"limit":3,"with_payload":true}""");
        assertPoints(r, new long[] {4, 1, 3}, new double[] {1.362, 1.273, 1.208});
        assertEquals("London", r.at("/result/points/0/payload/city").asText());
        assertEquals(9, r.at("/result/points/0/payload/price").asInt());
        assertTrue(r.get("time").asDouble() >= 0 && r.get("time").asDouble() < 60, r.toString());
        assertEquals("ok", r.get("status").asText());
    }

    @Test
    @Order(2)
    void recommendAndFilterQueries() throws Exception {
        // average_vector: 2·avg(1, 2) − 3, examples excluded, only London
        assertPoints(query("q-avg", "shop", """
                {"query":{"recommend":{"positive":[1,2],"negative":[3]}},
                 "filter":{"must":[{"key":"city","match":{"value":"London"}}]}}"""),
                new long[] {4, 6}, new double[] {0.7991, 0.1024});
        // best_score: sigmoid of the best positive, examples excluded
        assertPoints(query("q-best", "shop", """
                {"query":{"recommend":{"positive":[1],"negative":[6],"strategy":"best_score"}}}"""),
                new long[] {3, 4, 2, 5}, new double[] {0.79221, 0.77808, 0.76798, 0.69033});
        // range filter
        assertPoints(query("q-range", "shop", """
                {"query":{"nearest":[0.2,0.1,0.9,0.7]},"filter":{"must":{"key":"price","range":{"lt":10}}}}"""),
                new long[] {4, 3, 5}, new double[] {1.362, 1.208, 0.572});
        // a batch answers each search in order
        job.sendRequest("""
                {"request_id":"q-batch","op":"query_batch","collection":"shop","body":{"searches":[
                  {"query":[0.2,0.1,0.9,0.7],"limit":1},
                  {"query":4,"limit":2,"offset":1}]}}""");
        JsonNode batch = job.awaitKey("q-batch").value();
        assertEquals(200, batch.get("code").asInt(), batch.toString());
        assertEquals(2, batch.get("result").size());
        assertEquals(4, batch.at("/result/0/points/0/id").asInt());
        assertEquals(1, batch.at("/result/0/points").size());
        // nearest to point 4 (excluded): 1 (1.2208), 3 (1.2205)... second page of size 2 starts at the 2nd
        assertEquals(2, batch.at("/result/1/points").size(), batch.toString());
    }

    @Test
    @Order(3)
    void namedVectors() throws Exception {
        job.sendPoints("multi", """
                {"op":"create_collection","collection":"multi","op_id":"c-multi","body":{"vectors":{
                  "image":{"size":2,"distance":"Cosine"},"text":{"size":3,"distance":"Dot"}}}}""");
        job.awaitCompleted("c-multi");
        job.sendPoints("multi", """
                {"op":"upsert","collection":"multi","op_id":"u-multi","body":{"points":[
                  {"id":10,"vector":{"image":[1,0],"text":[1,0,0]}},
                  {"id":11,"vector":{"image":[0.6,0.8],"text":[0,1,0]}},
                  {"id":12,"vector":{"image":[0,1]}},
                  {"id":13,"vector":{"image":[-1,0],"text":[0,0,1]}}]}}""");
        job.awaitCompleted("u-multi");
        // Cosine normalises [1,1]; ties (10 and 12) by id
        assertPoints(query("q-image", "multi", """
                {"query":[1,1],"using":"image"}"""),
                new long[] {11, 10, 12, 13}, new double[] {0.98995, 0.70711, 0.70711, -0.70711});
        // points without the text vector (12) are no candidates; the example (10) is excluded
        assertPoints(query("q-text", "multi", """
                {"query":{"recommend":{"positive":[10],"strategy":"best_score"}},"using":"text"}"""),
                new long[] {11, 13}, new double[] {0.5, 0.5});
        // wrong vector name
        assertError(query("q-noname", "multi", """
                {"query":[1,1],"using":"audio"}"""), 400, "Not existing vector name error: audio");
    }

    @Test
    @Order(4)
    void deletePointsAndCollections() throws Exception {
        job.sendPoints("gone", """
                {"op":"create_collection","collection":"gone","op_id":"c-gone","body":{"vectors":{"size":2,"distance":"Dot"}}}""");
        job.awaitCompleted("c-gone");
        job.sendPoints("gone", """
                {"op":"upsert","collection":"gone","op_id":"u-gone","body":{"points":[
                  {"id":1,"vector":[1,0]},{"id":2,"vector":[0.5,0]},{"id":"5c56c793-69f3-4fbf-87e6-c4bf54c28c26","vector":[0.25,0]}]}}""");
        job.awaitCompleted("u-gone");
        job.sendPoints("gone", """
                {"op":"delete","collection":"gone","op_id":"d-gone","body":{"points":[2,77]}}""");
        job.awaitCompleted("d-gone");
        JsonNode r = query("q-gone-1", "gone", """
                {"query":[1,0]}""");
        assertEquals(2, r.at("/result/points").size(), r.toString());
        assertEquals(1, r.at("/result/points/0/id").asInt());
        assertEquals("5c56c793-69f3-4fbf-87e6-c4bf54c28c26", r.at("/result/points/1/id").asText());
        // the deleted point is no example any more either
        assertError(query("q-gone-2", "gone", """
                {"query":2}"""), 404, "No point with id 2 found");

        job.sendPoints("gone", """
                {"op":"delete_collection","collection":"gone","op_id":"dc-gone"}""");
        job.awaitCompleted("dc-gone");
        assertError(query("q-gone-3", "gone", """
                {"query":[1,0]}"""), 404, "Collection `gone` doesn't exist!");

        // re-created with another dimension: old points are gone, old ids unknown
        job.sendPoints("gone", """
                {"op":"create_collection","collection":"gone","op_id":"c-gone-2","body":{"vectors":{"size":3,"distance":"Dot"}}}""");
        job.awaitCompleted("c-gone-2");
        job.sendPoints("gone", """
                {"op":"upsert","collection":"gone","op_id":"u-gone-2","body":{"points":[{"id":9,"vector":[0,0,1]}]}}""");
        job.awaitCompleted("u-gone-2");
        assertPoints(query("q-gone-4", "gone", """
                {"query":[0,0,2]}"""), new long[] {9}, new double[] {2.0});
        assertError(query("q-gone-5", "gone", """
                {"query":1}"""), 404, "No point with id 1 found");
    }

    @Test
    @Order(5)
    void badPointOperationsAreDeadLetteredAndValidOnesStillApply() throws Exception {
        job.sendPoints("bad", """
                {"op":"create_collection","collection":"bad","op_id":"c-bad","body":{"vectors":{"size":2,"distance":"Dot"}}}""");
        job.awaitCompleted("c-bad");

        job.sendPoints("bad", "{\"op\":\"upsert\", this is not json");
        job.sendPoints("bad", """
                {"op":"upsert","collection":"bad","op_id":"b-nan","body":{"points":[{"id":1,"vector":[NaN,1]}]}}""");
        job.sendPoints("bad", """
                {"op":"merge","collection":"bad","op_id":"b-op"}""");
        job.sendPoints("bad", """
                {"op":"upsert","op_id":"b-missing","body":{"points":[]}}""");
        job.sendPoints("nope", """
                {"op":"upsert","collection":"nope","op_id":"b-nope","body":{"points":[{"id":1,"vector":[1,1]}]}}""");
        job.sendPoints("bad", """
                {"op":"upsert","collection":"bad","op_id":"ok-1","body":{"points":[{"id":1,"vector":[1,1]}]}}""");
        job.sendPoints("bad", """
                {"op":"upsert","collection":"bad","op_id":"b-dim","body":{"points":[{"id":2,"vector":[1,1]},{"id":3,"vector":[1,1,1]}]}}""");
        job.sendPoints("bad", """
                {"op":"upsert","collection":"bad","op_id":"b-inf","body":{"points":[{"id":4,"vector":[1e400,1]}]}}""");
        job.sendPoints("bad", """
                {"op":"upsert","collection":"bad","op_id":"b-points","body":{"ids":[5]}}""");
        job.sendPoints("bad", """
                {"op":"create_collection","collection":"bad","op_id":"b-exists","body":{"vectors":{"size":2,"distance":"Dot"}}}""");
        job.sendPoints("nope", """
                {"op":"delete_collection","collection":"nope","op_id":"b-nodelete"}""");
        job.sendPoints("bad", """
                {"op":"create_collection","collection":"bad2","op_id":"b-config","body":{"vectors":{"size":0,"distance":"Dot"}}}""");
        job.sendPoints("bad", """
                {"op":"upsert","collection":"bad","op_id":"ok-2","body":{"points":[{"id":6,"vector":[2,0],"payload":{"k":"v"}}]}}""");

        assertFailedAck("b-op", 400, "unknown op `merge`");
        assertFailedAck("b-missing", 400, "missing field `collection`");
        assertFailedAck("b-nope", 404, "Collection `nope` doesn't exist!");
        assertFailedAck("b-dim", 400, "Vector dimension error: expected dim: 2, got 3");
        assertFailedAck("b-inf", 400, "not a finite");
        assertFailedAck("b-points", 400, "missing field `points`");
        assertFailedAck("b-exists", 409, "Collection `bad` already exists!");
        assertFailedAck("b-nodelete", 404, "Collection `nope` doesn't exist!");
        assertFailedAck("b-config", 422, "vectors.size");
        job.awaitCompleted("ok-1");
        job.awaitCompleted("ok-2");

        // malformed JSON has no readable op_id: a dead letter only, carrying the original text and its position
        JsonNode notJson = job.awaitDeadLetter(d -> d.path("record").asText().contains("this is not json"), "for bad JSON");
        assertEquals(400, notJson.get("code").asInt());
        assertTrue(notJson.get("reason").asText().startsWith("Format error in JSON body"), notJson.toString());
        assertEquals(job.points, notJson.get("topic").asText());
        assertTrue(notJson.get("offset").asLong() >= 0);
        assertFalse(notJson.has("op_id"));
        // NaN is not JSON either, but the op_id comes before it
        JsonNode nan = job.awaitDeadLetter(d -> d.path("record").asText().contains("NaN"), "for NaN");
        assertEquals(400, nan.get("code").asInt(), nan.toString());
        for (String opId : new String[] {"b-op", "b-missing", "b-nope", "b-dim", "b-inf", "b-points", "b-exists",
                "b-nodelete", "b-config"}) {
            JsonNode d = job.awaitDeadLetter(x -> opId.equals(x.path("op_id").asText()), "for " + opId);
            assertTrue(d.get("record").asText().contains("\"" + opId + "\""), d.toString());
            assertEquals(job.points, d.get("topic").asText());
        }
        // no dead letters for the valid operations, and nothing of the rejected ones was applied
        assertTrue(job.deadLetters().stream().noneMatch(d -> d.path("op_id").asText().startsWith("ok-")));
        JsonNode r = query("q-bad", "bad", """
                {"query":[1,0],"with_payload":true}""");
        assertPoints(r, new long[] {6, 1}, new double[] {2.0, 1.0});
        assertEquals("v", r.at("/result/points/0/payload/k").asText());
    }

    @Test
    @Order(6)
    void badRequestsGetErrorResponsesAndValidOnesStillAnswer() throws Exception {
        RecordMetadata notJson = job.sendRequest("{\"request_id\": \"r-x\", oops");
        String generated = notJson.topic() + "-" + notJson.partition() + "-" + notJson.offset();
        assertError(job.awaitKey(generated).value(), 400, "Format error in JSON body");
        assertEquals(generated, job.awaitKey(generated).value().get("request_id").asText());

        assertError(query("r-unknown-collection", "nowhere", """
                {"query":[1,0]}"""), 404, "Collection `nowhere` doesn't exist!");
        assertError(query("r-dim", "shop", """
                {"query":[1,0,0]}"""), 400, "Vector dimension error: expected dim: 4, got 3");
        assertError(query("r-id", "shop", """
                {"query":{"recommend":{"positive":[1,99]}}}"""), 404, "No point with id 99 found");
        assertError(query("r-limit", "shop", """
                {"query":[1,0,0,0],"limit":0}"""), 422, "value 0 invalid, must be 1 or larger");
        job.sendRequest("""
                {"request_id":"r-op","op":"recommend","collection":"shop","body":{}}""");
        assertError(job.awaitKey("r-op").value(), 400, "unknown op");
        job.sendRequest("""
                {"request_id":"r-body","op":"query","collection":"shop"}""");
        assertError(job.awaitKey("r-body").value(), 400, "missing field `body`");
        job.sendRequest("""
                {"request_id":"r-reply-bad","op":"query","collection":"shop","reply_to":"no spaces allowed","body":{"query":[1,0,0,0]}}""");
        assertError(job.awaitKey("r-reply-bad").value(), 400, "reply_to");
        job.sendRequest("""
                {"request_id":"r-reply-missing","op":"query","collection":"shop","reply_to":"sj.no-such-topic","body":{"query":[1,0,0,0]}}""");
        RunningJob.Received missing = job.awaitKey("r-reply-missing");
        assertEquals(job.results, missing.topic());
        assertError(missing.value(), 400, "reply_to topic `sj.no-such-topic` does not exist");
        RecordMetadata noId = job.sendRequest("""
                {"op":"query","collection":"shop","body":{"query":[1,0,0,0],"limit":1}}""");
        JsonNode anonymous = job.awaitKey(noId.topic() + "-" + noId.partition() + "-" + noId.offset()).value();
        assertEquals(200, anonymous.get("code").asInt(), anonymous.toString());

        // reply_to sends the answer to another topic
        job.sendRequest("""
                {"request_id":"r-reply","op":"query","collection":"shop","reply_to":"%s","body":{"query":[0.2,0.1,0.9,0.7],"limit":1}}"""
                .formatted(job.replies));
        RunningJob.Received reply = job.awaitKey("r-reply");
        assertEquals(job.replies, reply.topic());
        assertPoints(reply.value(), new long[] {4}, new double[] {1.362});

        // valid traffic around the bad requests is unaffected
        assertPoints(query("r-ok", "shop", """
                {"query":[0.2,0.1,0.9,0.7],"limit":2}"""), new long[] {4, 1}, new double[] {1.362, 1.273});
        // exactly one response per request
        for (String id : new String[] {"r-unknown-collection", "r-dim", "r-id", "r-limit", "r-op", "r-body", "r-ok"}) {
            assertEquals(1, job.received(id).size(), id);
        }
    }

    @Test
    @Order(50)
    void restoresFromASavepointAtAnotherParallelism() throws Exception {
        job.restartFromSavepoint(dir.resolve("savepoints"), 1);
        // points, payloads and named vectors are back (the indexes are rebuilt from RocksDB state)
        JsonNode r = query("after-nearest", "shop", """
                {"query":[0.2,0.1,0.9,0.7],"limit":3,"with_payload":true}""");
        assertPoints(r, new long[] {4, 1, 3}, new double[] {1.362, 1.273, 1.208});
        assertEquals("London", r.at("/result/points/0/payload/city").asText());
        assertPoints(query("after-best", "shop", """
                {"query":{"recommend":{"positive":[1],"negative":[6],"strategy":"best_score"}}}"""),
                new long[] {3, 4, 2, 5}, new double[] {0.79221, 0.77808, 0.76798, 0.69033});
        assertPoints(query("after-image", "multi", """
                {"query":[1,1],"using":"image"}"""),
                new long[] {11, 10, 12, 13}, new double[] {0.98995, 0.70711, 0.70711, -0.70711});
        // the catalog is back: shop exists, gone has its second incarnation
        job.sendPoints("shop", """
                {"op":"create_collection","collection":"shop","op_id":"c-shop-again","body":{"vectors":{"size":4,"distance":"Dot"}}}""");
        assertFailedAck("c-shop-again", 409, "already exists");
        assertPoints(query("after-gone", "gone", """
                {"query":[0,0,2]}"""), new long[] {9}, new double[] {2.0});
        // writes go on
        job.sendPoints("shop", """
                {"op":"upsert","collection":"shop","op_id":"u-after","body":{"points":[{"id":7,"vector":[1,1,1,1]}]}}""");
        job.awaitCompleted("u-after");
        assertPoints(query("after-write", "shop", """
                {"query":[0,0,0,1],"limit":1}"""), new long[] {7}, new double[] {1.0});
        // the sources resumed where the savepoint left them: nothing was answered twice
        assertEquals(1, job.received("q-nearest").size());
        assertEquals(1, job.received("u-shop").size());
    }

    /**
     * A new job without state rebuilds everything from the points topic, whose history holds creates directly
     * followed by upserts, a delete + re-create of "gone" with another dimension, and rejected operations: the
     * replay reaches the same collections and points (round 1 dead-lettered such replayed upserts as racing
     * their creates).
     */
    @Test
    @Order(60)
    void aJobWithoutStateRebuildsTheCollectionsFromThePointsTopic() throws Exception {
        job.restartWithoutState(2);
        // one new write per collection, each behind that collection's replayed history in its Kafka partition
        for (String c : new String[] {"shop", "multi", "gone", "bad"}) {
            job.sendPoints(c, "{\"op\":\"upsert\",\"collection\":\"" + c + "\",\"op_id\":\"replayed-" + c
                    + "\",\"body\":{\"points\":[]}}");
            job.awaitCompleted("replayed-" + c);
        }
        // the six points of the start and point 7 of the restored job
        JsonNode r = query("replay-nearest", "shop", """
                {"query":[0.2,0.1,0.9,0.7],"limit":4,"with_payload":true}""");
        assertPoints(r, new long[] {7, 4, 1, 3}, new double[] {1.9, 1.362, 1.273, 1.208});
        assertEquals("London", r.at("/result/points/1/payload/city").asText());
        assertPoints(query("replay-write", "shop", """
                {"query":[0,0,0,1],"limit":1}"""), new long[] {7}, new double[] {1.0});
        assertPoints(query("replay-image", "multi", """
                {"query":[1,1],"using":"image"}"""),
                new long[] {11, 10, 12, 13}, new double[] {0.98995, 0.70711, 0.70711, -0.70711});
        assertPoints(query("replay-gone", "gone", """
                {"query":[0,0,2]}"""), new long[] {9}, new double[] {2.0});
        assertPoints(query("replay-bad", "bad", """
                {"query":[1,0]}"""), new long[] {6, 1}, new double[] {2.0, 1.0});
        // the replayed valid operations were acknowledged again, not dead-lettered
        assertTrue(job.received("u-gone-2").size() >= 2, job.received("u-gone-2").toString());
        java.util.Set<String> valid = java.util.Set.of("c-shop", "u-shop", "c-multi", "u-multi", "c-gone", "u-gone",
                "d-gone", "dc-gone", "c-gone-2", "u-gone-2", "c-bad", "ok-1", "ok-2", "u-after");
        assertTrue(job.deadLetters().stream().noneMatch(d -> valid.contains(d.path("op_id").asText())),
                job.deadLetters().toString());
    }

    @Test
    @Order(100)
    void jobNeverRestartedAndCheckpointsToRocksDb() throws Exception {
        job.assertNeverRestarted();
        // Only incremental RocksDB checkpoints upload files into a job's shared/ directory.
        try (Stream<Path> files = Files.walk(dir.resolve("checkpoints"))) {
            assertTrue(files.anyMatch(p -> Files.isRegularFile(p) && p.getParent().getFileName().toString().equals("shared")),
                    "no RocksDB files in the checkpoints' shared/ directory");
        }
    }

    private static JsonNode query(String requestId, String collection, String body) throws InterruptedException {
        return job.query(requestId, collection, body);
    }

    private static void assertFailedAck(String opId, int code, String contains) throws InterruptedException {
        Responses.assertFailedAck(job, opId, code, contains);
    }
}
