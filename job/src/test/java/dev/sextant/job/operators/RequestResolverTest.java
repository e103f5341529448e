package dev.sextant.job.operators;

import static dev.sextant.job.operators.Fixtures.SHOP;
import static dev.sextant.job.operators.Fixtures.SHOP_1;
import static dev.sextant.job.operators.Fixtures.TIMEOUT_MS;
import static dev.sextant.job.operators.Fixtures.json;
import static dev.sextant.job.operators.Fixtures.ref;
import static dev.sextant.job.operators.Fixtures.side;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sextant.index.PointId;
import dev.sextant.index.query.ResolvedQuery;
import dev.sextant.job.protocol.CatalogEntry;
import dev.sextant.job.protocol.LookupResult;
import dev.sextant.job.protocol.Outbound;
import dev.sextant.job.protocol.PlannedRequest;
import dev.sextant.job.protocol.RequestRef;
import dev.sextant.job.protocol.ResolvedRequest;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RequestResolverTest {
    /** Received at t = 1000 ms; the deadline is 1000 + TIMEOUT_MS. */
    private static final RequestRef REF = ref("t1", 1_000);

    private KeyedTwoInputStreamOperatorTestHarness<String, PlannedRequest, LookupResult, ResolvedRequest> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(new RequestResolver(TIMEOUT_MS),
                p -> p.ref().ticket(), r -> r.ref().ticket(), Types.STRING);
        harness.setProcessingTime(1_000);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private static PlannedRequest plan(String body, int lookups) {
        return new PlannedRequest(REF, false, SHOP, body, new CatalogEntry[] {SHOP_1}, lookups);
    }

    private static LookupResult found(long id, float x, float y) {
        return new LookupResult(REF, SHOP, PointId.of(id), true, new String[] {""}, new float[][] {{x, y}});
    }

    private static LookupResult missing(long id) {
        return new LookupResult(REF, SHOP, PointId.of(id), false, null, null);
    }

    private void assertNothingLeft() {
        assertEquals(0, harness.numKeyedStateEntries());
        assertEquals(0, harness.numProcessingTimeTimers());
    }

    @Test
    void examplesAreReplacedByTheirVectorsWhicheverArrivesFirst() throws Exception {
        harness.processElement2(found(1, 1, 0), 0);
        harness.processElement1(plan("{\"query\":{\"recommend\":{\"positive\":[1,2]}}}", 2), 0);
        assertTrue(harness.extractOutputValues().isEmpty());
        harness.processElement2(found(2, 0, 1), 0);
        List<ResolvedRequest> out = harness.extractOutputValues();
        assertEquals(1, out.size());
        ResolvedRequest r = out.get(0);
        assertEquals(1, r.incarnation());
        assertEquals(Fixtures.SHOP_CONFIG, r.configJson());
        ResolvedQuery q = ResolvedQuery.fromJson(r.queries()[0]);
        assertEquals(List.of(PointId.of(1), PointId.of(2)), q.excluded());
        // average of [1,0] and [0,1] on Dot
        assertEquals(1.0f, q.score(new float[] {1, 1}), 1e-6);
        assertNothingLeft();
    }

    @Test
    void aRequestWithoutExamplesResolvesAtOnce() throws Exception {
        harness.processElement1(plan("{\"query\":[1,2],\"limit\":3}", 0), 0);
        ResolvedQuery q = ResolvedQuery.fromJson(harness.extractOutputValues().get(0).queries()[0]);
        assertEquals(3, q.limit());
        assertNothingLeft();
    }

    @Test
    void aMissingExampleIsA404() throws Exception {
        harness.processElement1(plan("{\"query\":{\"recommend\":{\"positive\":[1,3]}}}", 2), 0);
        harness.processElement2(found(1, 1, 0), 0);
        harness.processElement2(missing(3), 0);
        assertTrue(harness.extractOutputValues().isEmpty());
        Outbound out = side(harness, Tags.OUTBOUND).get(0);
        assertEquals("r-t1", out.key());
        JsonNode r = json(out);
        assertEquals(404, r.get("code").asInt());
        assertEquals("Not found: No point with id 3 found", r.at("/status/error").asText());
        assertNothingLeft();
    }

    @Test
    void anIncompleteRequestTimesOutOnceAndLateLookupsAreDropped() throws Exception {
        harness.processElement1(plan("{\"query\":{\"recommend\":{\"positive\":[1,3]}}}", 2), 0);
        harness.processElement2(found(1, 1, 0), 0);
        harness.setProcessingTime(1_000 + TIMEOUT_MS);
        List<Outbound> out = side(harness, Tags.OUTBOUND);
        assertEquals(1, out.size());
        assertEquals(504, json(out.get(0)).get("code").asInt());
        // the late lookup neither answers again nor starts new state
        harness.processElement2(missing(3), 0);
        assertEquals(1, side(harness, Tags.OUTBOUND).size());
        assertTrue(harness.extractOutputValues().isEmpty());
        harness.setProcessingTime(1_000 + 2 * TIMEOUT_MS);
        assertNothingLeft();
    }

    @Test
    void aBatchFailsWithItsFirstError() throws Exception {
        harness.processElement1(new PlannedRequest(REF, true, SHOP,
                "{\"searches\":[{\"query\":[1,1]},{\"query\":7},{\"query\":8}]}", new CatalogEntry[] {SHOP_1}, 2), 0);
        harness.processElement2(missing(7), 0);
        harness.processElement2(missing(8), 0);
        JsonNode r = json(side(harness, Tags.OUTBOUND).get(0));
        assertEquals("Not found: No point with id 7 found", r.at("/status/error").asText());
        assertNothingLeft();
    }
}
