package dev.sextant.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sextant.embedded.EmbeddedKafka;
import dev.sextant.index.conformance.ConformanceAssert;
import dev.sextant.index.conformance.ConformanceCase;
import dev.sextant.index.conformance.ConformanceCases;
import dev.sextant.job.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of the conformance contract ({@code cases.json}) end to end: through Kafka and the job on a
 * MiniCluster with P = 4 partitions at parallelism 2, all cases in one job run.
 *
 * <p>Names repeat across cases, so case {@code N}'s collections become {@code c<N>_<name>} (also inside
 * {@code lookup_from}; names a case does not create stay as they are, so "unknown collection" errors keep their
 * text). Order of events, as README §6 asks: create every collection and wait for the acknowledgments, upsert
 * every point and wait, then send every request and collect the responses; one dynamic test per case checks its
 * response with {@link ConformanceAssert}.
 */
class ConformanceITCase {
    @org.junit.jupiter.api.extension.RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    private static final List<ConformanceCase> CASES = ConformanceCases.load();
    private static final Map<String, JsonNode> RESPONSES = new HashMap<>();
    private static EmbeddedKafka kafka;
    private static RunningJob job;

    @BeforeAll
    static void runAllCases(@InjectMiniCluster MiniCluster miniCluster) throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "it", "conformance-" + System.nanoTime())).toAbsolutePath();
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        job = RunningJob.start(kafka, miniCluster, "conf", 4, 2, dir.resolve("checkpoints"));

        List<String> creates = new ArrayList<>();
        for (int n = 0; n < CASES.size(); n++) {
            for (ConformanceCase.CaseCollection c : CASES.get(n).collections()) {
                String name = rename(n, c.name());
                String opId = "create-" + name;
                ObjectNode op = Json.MAPPER.createObjectNode().put("op", "create_collection").put("collection", name)
                        .put("op_id", opId);
                op.putObject("body").set("vectors", c.vectors());
                job.sendPoints(name, op.toString());
                creates.add(opId);
            }
        }
        for (String opId : creates) {
            job.awaitCompleted(opId);
        }
        List<String> upserts = new ArrayList<>();
        for (int n = 0; n < CASES.size(); n++) {
            for (ConformanceCase.CaseCollection c : CASES.get(n).collections()) {
                String name = rename(n, c.name());
                String opId = "upsert-" + name;
                ObjectNode op = Json.MAPPER.createObjectNode().put("op", "upsert").put("collection", name)
                        .put("op_id", opId);
                op.putObject("body").putArray("points").addAll(c.points());
                job.sendPoints(name, op.toString());
                upserts.add(opId);
            }
        }
        for (String opId : upserts) {
            job.awaitCompleted(opId);
        }
        for (int n = 0; n < CASES.size(); n++) {
            ConformanceCase c = CASES.get(n);
            ObjectNode request = Json.MAPPER.createObjectNode().put("request_id", requestId(n)).put("op", c.op())
                    .put("collection", rename(n, c.collection()));
            request.set("body", renameLookups(n, c, c.body().deepCopy()));
            job.sendRequest(request.toString());
        }
        for (int n = 0; n < CASES.size(); n++) {
            RESPONSES.put(requestId(n), job.awaitKey(requestId(n)).value());
        }
    }

    @AfterAll
    static void stop() throws Exception {
        RunningJob.stop(job, kafka);
    }

    @TestFactory
    Stream<DynamicTest> everyCaseEndToEnd() {
        List<DynamicTest> tests = new ArrayList<>();
        for (int n = 0; n < CASES.size(); n++) {
            ConformanceCase c = CASES.get(n);
            JsonNode response = RESPONSES.get(requestId(n));
            tests.add(DynamicTest.dynamicTest(c.name(), () -> {
                int code = response.path("code").asInt();
                String error = code == 200 ? null : response.at("/status/error").asText(null);
                ConformanceAssert.assertMatches(c, code, error, response.get("result"));
            }));
        }
        return tests.stream();
    }

    @Test
    void oneResponsePerRequestAndNoRestart() throws Exception {
        for (int n = 0; n < CASES.size(); n++) {
            assertEquals(1, job.received(requestId(n)).size(), CASES.get(n).name());
        }
        job.assertNeverRestarted();
    }

    private static String requestId(int n) {
        return "case-" + n;
    }

    private static String rename(int n, String collection) {
        return "c" + n + "_" + collection;
    }

    /** Renames {@code lookup_from.collection} (top level or per search) when the case creates that collection. */
    private static JsonNode renameLookups(int n, ConformanceCase c, JsonNode body) {
        Set<String> created = new HashSet<>();
        c.collections().forEach(col -> created.add(col.name()));
        List<JsonNode> queries = new ArrayList<>();
        if (body.has("searches")) {
            body.get("searches").forEach(queries::add);
        } else {
            queries.add(body);
        }
        for (JsonNode q : queries) {
            JsonNode from = q.path("lookup_from");
            if (from.isObject() && from.path("collection").isTextual() && created.contains(from.get("collection").asText())) {
                ((ObjectNode) from).put("collection", rename(n, from.get("collection").asText()));
            }
        }
        return body;
    }
}
