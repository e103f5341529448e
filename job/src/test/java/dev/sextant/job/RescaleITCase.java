package dev.sextant.job;

import static dev.sextant.job.Responses.assertSameJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sextant.embedded.EmbeddedKafka;
import dev.sextant.index.Point;
import dev.sextant.index.PointId;
import dev.sextant.job.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
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
 * Rescaling through a savepoint (issue 4): the job runs at parallelism 2 with P = 4 partitions and an exact-scan
 * size of 256, so each partition holds real HNSW graphs (about 750 points per partition and vector); a seeded
 * history of 3,020 points with overwrites, deletes by id and by filter and payload changes
 * ({@link SeededCatalogue}) is loaded and acknowledged; the answers to exact queries of every kind and the full
 * listing (ids, payloads, both named vectors) are recorded and checked against a single-process
 * {@link ReferenceCollection}; then the job stops with a savepoint, and that same savepoint is restored at
 * parallelism 1 and, separately, at parallelism 3. Each restored job must hold every point with the same content
 * and answer the exact queries with identical ids and scores (within 1e-6), and its graphs must still find a
 * point from its own vector.
 *
 * <p>The checks read only responses, so they hold for any correct layout of the partitions' keyed state.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RescaleITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(3)
            .build());

    private static final double TOLERANCE = 1e-6;
    private static final int PAGE = 1000;

    private static final SeededCatalogue CATALOGUE = new SeededCatalogue("rescale", 20261129L, 3000);
    private static final ReferenceCollection REFERENCE = CATALOGUE.reference();

    private static Path dir;
    private static EmbeddedKafka kafka;
    private static RunningJob job;
    /** Request name → the result the job gave at parallelism 2, before the savepoint. */
    private static final Map<String, JsonNode> BEFORE = new LinkedHashMap<>();
    private static String savepoint;

    @BeforeAll
    static void start(@InjectMiniCluster MiniCluster miniCluster) throws Exception {
        dir = Files.createDirectories(Path.of("target", "it", "rescale-" + System.nanoTime())).toAbsolutePath();
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        Configuration options = new Configuration();
        options.set(SextantOptions.INDEX_EXACT_SCAN_BELOW, 256);
        // most points linked by their writes, a few pending at any time: searches mix graph and pending scan, and
        // the savepoint holds both
        options.set(SextantOptions.INDEX_MAX_PENDING, 16);
        job = RunningJob.start(kafka, miniCluster, "rescale", 4, 2, dir.resolve("checkpoints"), new Configuration(),
                options);
    }

    @AfterAll
    static void stop() throws Exception {
        RunningJob.stop(job, kafka);
    }

    @Test
    @Order(1)
    void atParallelism2TheJobAnswersLikeTheReferenceThenStopsWithASavepoint() throws Exception {
        List<Map.Entry<String, String>> keyed = new ArrayList<>();
        for (SeededCatalogue.Operation op : CATALOGUE.operations()) {
            keyed.add(Map.entry(CATALOGUE.collection(), op.json()));
        }
        job.sendPointsBackToBack(keyed);
        for (SeededCatalogue.Operation op : CATALOGUE.operations()) {
            job.awaitCompleted(op.opId());
        }
        assertEquals(List.of(), job.deadLetters(), "every operation is valid");
        for (SeededCatalogue.Request r : requests()) {
            JsonNode result = result("p2", r);
            assertSameJson(REFERENCE.answer(r.op(), r.body()), result, TOLERANCE, r.name() + " at parallelism 2");
            BEFORE.put(r.name(), result);
        }
        assertGraphsFindEachPointFromItsVector("p2");
        savepoint = job.stopWithSavepoint(dir.resolve("savepoints"));
        System.out.printf("RescaleITCase: %d operations, %d points, savepoint %s%n", CATALOGUE.operations().size(),
                REFERENCE.size(), savepoint);
    }

    @Test
    @Order(2)
    void theSavepointRestoresAtParallelism1() throws Exception {
        assertNotNull(savepoint, "no savepoint was taken");
        job.restore(savepoint, 1);
        assertSameAnswersAsBefore("p1");
    }

    @Test
    @Order(3)
    void theSavepointRestoresAtParallelism3AndTakesWrites() throws Exception {
        assertNotNull(savepoint, "no savepoint was taken");
        job.restore(savepoint, 3);
        assertSameAnswersAsBefore("p3");

        // writes go on at the new parallelism, into the restored graphs
        job.sendPoints(CATALOGUE.collection(), """
                {"op":"upsert","collection":"rescale","op_id":"rescale-after","body":{"points":[
                  {"id":999999,"vector":{"image":[1,0,0,0,0,0,0,0,0,0,0,0],"text":[0,0,0,0,0,0,0,9]}}]}}""");
        job.awaitCompleted("rescale-after");
        JsonNode r = job.query("p3-after", CATALOGUE.collection(), """
                {"query":[0,0,0,0,0,0,0,1],"using":"text","limit":1,"with_payload":true}""");
        assertEquals(200, r.path("code").asInt(), r.toString());
        assertEquals(999999, r.at("/result/points/0/id").asLong(), r.toString());
        assertEquals(9.0, r.at("/result/points/0/score").asDouble(), TOLERANCE, r.toString());
        int size = REFERENCE.size() + 1;
        int lastPage = (size - 1) / PAGE * PAGE;
        JsonNode listing = result("p3-after", SeededCatalogue.listing(lastPage, PAGE));
        assertEquals(size - lastPage, listing.get("points").size(), listing.toString());
    }

    /** Every request answered exactly as at parallelism 2 (which matched the reference), and the graphs work. */
    private static void assertSameAnswersAsBefore(String phase) throws Exception {
        assertEquals(requests().size(), BEFORE.size(), "the answers at parallelism 2 were not all recorded");
        for (SeededCatalogue.Request r : requests()) {
            assertSameJson(BEFORE.get(r.name()), result(phase, r), TOLERANCE, r.name() + " after restore (" + phase + ")");
        }
        assertGraphsFindEachPointFromItsVector(phase);
    }

    /**
     * Approximate (graph) searches at the default ef for the stored image vector of every point, in batches of
     * 500: each finds its point first with score 1 (Cosine of a vector with itself). A graph with an unreachable
     * node fails here (see HnswGraph.markDeleted).
     */
    private static void assertGraphsFindEachPointFromItsVector(String phase) throws Exception {
        List<PointId> ids = REFERENCE.ids();
        for (int from = 0; from < ids.size(); from += 500) {
            List<PointId> batch = ids.subList(from, Math.min(ids.size(), from + 500));
            ObjectNode body = Json.MAPPER.createObjectNode();
            ArrayNode searches = body.putArray("searches");
            for (PointId id : batch) {
                searches.addObject().put("using", "image").put("limit", 1)
                        .set("query", dev.sextant.index.Points.vectorJson(REFERENCE.point(id).vectors().get("image")));
            }
            JsonNode r = job.queryBatch(phase + "-self-" + from, CATALOGUE.collection(), body.toString());
            assertEquals(200, r.path("code").asInt(), r.toString());
            List<String> misses = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                JsonNode top = r.at("/result/" + i + "/points/0");
                if (!batch.get(i).equals(PointId.fromJson(top.get("id")))
                        || Math.abs(top.get("score").asDouble() - 1.0) > 1e-5) {
                    misses.add(batch.get(i) + " -> " + top);
                }
            }
            assertEquals(List.of(), misses, phase + ": points their own vector does not find first");
        }
    }

    /** The exact requests and the pages of the full listing. */
    private static List<SeededCatalogue.Request> requests() {
        List<SeededCatalogue.Request> all = new ArrayList<>(CATALOGUE.exactRequests());
        for (int offset = 0; offset < REFERENCE.size(); offset += PAGE) {
            all.add(SeededCatalogue.listing(offset, PAGE));
        }
        return all;
    }

    /** Sends {@code r} under the id {@code phase-name}; returns the result of its 200 response. */
    private static JsonNode result(String phase, SeededCatalogue.Request r) throws InterruptedException {
        String id = phase + "-" + r.name();
        JsonNode response = r.op().equals("query")
                ? job.query(id, CATALOGUE.collection(), r.body().toString())
                : job.queryBatch(id, CATALOGUE.collection(), r.body().toString());
        assertEquals(200, response.path("code").asInt(), response.toString());
        return response.get("result");
    }
}
