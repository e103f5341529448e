package dev.sextant.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sextant.embedded.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole job through a real Kafka broker on a MiniCluster (RocksDB, checkpoints every second, P = 4 at
 * parallelism 2): collections, upserts with acknowledgments, queries with exact ids and scores, deletes, and
 * bad input on both topics answered without disturbing valid traffic or restarting the job.
 */
class SextantJobITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    private static EmbeddedKafka kafka;
    private static RunningJob job;

    @BeforeAll
    static void start(@InjectMiniCluster MiniCluster miniCluster) throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "it", "sextant-job-" + System.nanoTime()));
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        job = RunningJob.start(kafka, miniCluster, "sj", 4, 2, dir.resolve("checkpoints").toAbsolutePath());
    }

    @AfterAll
    static void stop() throws Exception {
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

    @Test
    void createUpsertAndQuery() throws Exception {
        job.sendPoints("fruit", """
                {"op":"create_collection","collection":"fruit","op_id":"c-fruit",
                 "body":{"vectors":{"size":4,"distance":"Dot"}}}""");
        job.awaitCompleted("c-fruit");
        job.sendPoints("fruit", """
                {"op":"upsert","collection":"fruit","op_id":"u-fruit","body":{"points":[
                  {"id":1,"vector":[0.05,0.61,0.76,0.74],"payload":{"city":"Berlin"}},
                  {"id":2,"vector":[0.19,0.81,0.75,0.11],"payload":{"city":"London"}},
                  {"id":3,"vector":[0.36,0.55,0.47,0.94],"payload":{"city":"Moscow"}},
                  {"id":4,"vector":[0.18,0.01,0.85,0.80],"payload":{"city":"London"}},
                  {"id":5,"vector":[0.24,0.18,0.22,0.44]},
                  {"id":6,"vector":[0.35,0.08,0.11,0.44]}]}}""");
        job.awaitCompleted("u-fruit");
        job.sendRequest("""
                {"request_id":"q-nearest","op":"query","collection":"fruit",
                 "body":{"query":[0.2,0.1,0.9,0.7],"limit":3}}""");
        JsonNode r = job.awaitKey("q-nearest").value();
        assertEquals(200, r.get("code").asInt(), r.toString());
        JsonNode pts = r.path("result").path("points");
        assertEquals(3, pts.size(), r.toString());
        assertEquals(4, pts.get(0).get("id").asInt());
        assertEquals(1.362, pts.get(0).get("score").asDouble(), 1e-4);
        assertEquals(1, pts.get(1).get("id").asInt());
        assertEquals(1.273, pts.get(1).get("score").asDouble(), 1e-4);
        assertEquals(3, pts.get(2).get("id").asInt());
        assertEquals(1.208, pts.get(2).get("score").asDouble(), 1e-4);
        job.assertNeverRestarted();
    }
}
