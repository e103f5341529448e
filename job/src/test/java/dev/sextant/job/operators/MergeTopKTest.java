package dev.sextant.job.operators;

import static dev.sextant.job.operators.Fixtures.MAX_BYTES;
import static dev.sextant.job.operators.Fixtures.RESULTS;
import static dev.sextant.job.operators.Fixtures.TIMEOUT_MS;
import static dev.sextant.job.operators.Fixtures.json;
import static dev.sextant.job.operators.Fixtures.ref;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sextant.index.PointId;
import dev.sextant.job.protocol.Hit;
import dev.sextant.job.protocol.Outbound;
import dev.sextant.job.protocol.PartialResult;
import dev.sextant.job.protocol.RequestRef;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MergeTopKTest {
    private static final RequestRef REF = ref("t1", 1_000);

    private KeyedOneInputStreamOperatorTestHarness<String, PartialResult, Outbound> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new MergeTopK(TIMEOUT_MS, MAX_BYTES), p -> p.ref().ticket(), Types.STRING);
        harness.setProcessingTime(1_000);
    }

    @AfterEach
    void tearDown() throws Exception {
        assertEquals(0, harness.numKeyedStateEntries());
        assertEquals(0, harness.numProcessingTimeTimers());
        harness.close();
    }

    private static Hit hit(long id, float score) {
        return new Hit(PointId.of(id), score, id == 1 ? "{\"a\":1}" : null, null);
    }

    /** One partial of a two-subtask operator, one search with offset 1 and limit 2, descending. */
    private static PartialResult partial(Hit... hits) {
        return new PartialResult(REF, false, 2, new Hit[][] {hits}, new int[] {1}, new int[] {2}, new boolean[] {false},
                0, null);
    }

    @Test
    void thePartialsAreMergedAndPagedOnceAllSubtasksAnswered() throws Exception {
        harness.processElement(partial(hit(1, 0.9f), hit(3, 0.5f), hit(5, 0.1f)), 0);
        assertTrue(harness.extractOutputValues().isEmpty());
        harness.processElement(partial(hit(4, 0.7f), hit(2, 0.5f)), 0);
        List<Outbound> out = harness.extractOutputValues();
        assertEquals(1, out.size());
        assertEquals(RESULTS, out.get(0).topic());
        assertEquals("r-t1", out.get(0).key());
        JsonNode r = json(out.get(0));
        assertEquals(200, r.get("code").asInt());
        assertEquals("ok", r.get("status").asText());
        // order 1 (0.9), 4 (0.7), 2 (0.5), 3 (0.5, tie by id), 5; offset 1, limit 2
        assertEquals(json("[{\"id\":4,\"score\":0.7},{\"id\":2,\"score\":0.5}]"), r.at("/result/points"));
    }

    @Test
    void aBatchAnswersAListAndPayloadsPassThrough() throws Exception {
        PartialResult a = new PartialResult(REF, true, 1, new Hit[][] {{hit(1, 2f)}, {}}, new int[] {0, 0},
                new int[] {10, 10}, new boolean[] {false, true}, 0, null);
        harness.processElement(a, 0);
        JsonNode r = json(harness.extractOutputValues().get(0));
        assertEquals(json("[{\"points\":[{\"id\":1,\"score\":2.0,\"payload\":{\"a\":1}}]},{\"points\":[]}]"), r.get("result"));
    }

    @Test
    void aPartialWithAnErrorAnswersWithIt() throws Exception {
        harness.processElement(partial(hit(1, 0.9f)), 0);
        harness.processElement(new PartialResult(REF, false, 2, null, null, null, null, 500, "Service internal error: x"), 0);
        JsonNode r = json(harness.extractOutputValues().get(0));
        assertEquals(500, r.get("code").asInt());
        assertTrue(r.get("result") == null);
    }

    @Test
    void anIncompleteRequestTimesOutOnceAndLatePartialsAreDropped() throws Exception {
        harness.processElement(partial(hit(1, 0.9f)), 0);
        harness.setProcessingTime(1_000 + TIMEOUT_MS);
        assertEquals(504, json(harness.extractOutputValues().get(0)).get("code").asInt());
        harness.processElement(partial(hit(2, 0.8f)), 0);
        assertEquals(1, harness.extractOutputValues().size());
        harness.setProcessingTime(1_000 + 2 * TIMEOUT_MS);
    }

    @Test
    void aResponseTooLargeForKafkaBecomesAnError() throws Exception {
        harness.close();
        harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new MergeTopK(TIMEOUT_MS, 100), p -> p.ref().ticket(), Types.STRING);
        harness.processElement(new PartialResult(REF, false, 1, new Hit[][] {{hit(1, 1f), hit(2, 1f), hit(3, 1f)}},
                new int[] {0}, new int[] {10}, new boolean[] {false}, 0, null), 0);
        JsonNode r = json(harness.extractOutputValues().get(0));
        assertEquals(400, r.get("code").asInt());
        assertTrue(r.at("/status/error").asText().contains("exceeds sextant.max-message-bytes"));
    }
}
