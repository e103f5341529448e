package dev.sextant.job.operators;

import static dev.sextant.job.operators.Fixtures.MAX_BYTES;
import static dev.sextant.job.operators.Fixtures.RESULTS;
import static dev.sextant.job.operators.Fixtures.SHOP_1;
import static dev.sextant.job.operators.Fixtures.SHOP_CREATED;
import static dev.sextant.job.operators.Fixtures.json;
import static dev.sextant.job.operators.Fixtures.request;
import static dev.sextant.job.operators.Fixtures.side;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sextant.index.PointId;
import dev.sextant.index.query.RequestLimits;
import dev.sextant.job.protocol.AckPart;
import dev.sextant.job.protocol.CatalogEntry;
import dev.sextant.job.protocol.CollectionChange;
import dev.sextant.job.protocol.Lookup;
import dev.sextant.job.protocol.Outbound;
import dev.sextant.job.protocol.PlannedRequest;
import dev.sextant.job.protocol.RawRecord;
import java.util.List;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RequestPlannerTest {
    private static final CatalogEntry BOOKS = new CatalogEntry("books", 5, "{\"size\":2,\"distance\":\"Cosine\"}", false);

    private BroadcastOperatorTestHarness<RawRecord, CollectionChange, PlannedRequest> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = ProcessFunctionTestHarnesses.forBroadcastProcessFunction(
                new RequestPlanner(RESULTS, MAX_BYTES, topic -> !topic.equals("missing")), CollectionCatalog.BROADCAST);
        harness.processBroadcastElement(SHOP_CREATED, 0);
        harness.processBroadcastElement(new CollectionChange(BOOKS, null), 0);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private JsonNode onlyResponse() {
        List<Outbound> out = side(harness, Tags.OUTBOUND);
        assertEquals(1, out.size(), out.toString());
        return json(out.get(0));
    }

    @Test
    void aValidRequestIsPlannedWithOneLookupPerDistinctExample() throws Exception {
        harness.processElement(request(3, """
                {"request_id":"r1","op":"query","collection":"shop","body":{"query":{"recommend":{"positive":[1,2,1],"negative":[[0.5,0.5],2]}}}}"""), 0);
        List<PlannedRequest> plans = harness.extractOutputValues();
        assertEquals(1, plans.size());
        PlannedRequest p = plans.get(0);
        assertEquals("sextant.requests-0-3", p.ref().ticket());
        assertEquals("r1", p.ref().requestId());
        assertEquals(RESULTS, p.ref().replyTo());
        assertEquals(2, p.lookups());
        assertArrayEquals(new CatalogEntry[] {SHOP_1}, p.catalog());
        assertFalse(p.batch());
        List<Lookup> lookups = side(harness, Tags.LOOKUPS);
        assertEquals(List.of(PointId.of(1), PointId.of(2)), lookups.stream().map(Lookup::id).toList());
        lookups.forEach(l -> assertEquals(1, l.incarnation()));
        assertEquals(List.of(AckPart.stageApplied("create-shop", RequestPlanner.STAGE, CollectionChange.CREATE_ACK_STAGES, 1)), side(harness, Tags.ACKS));
    }

    @Test
    void lookupFromReadsTheOtherCollectionAndSnapshotsIt() throws Exception {
        harness.processElement(request(4, """
                {"request_id":"r2","op":"query_batch","collection":"shop","reply_to":"mine","body":{"searches":[
                  {"query":{"nearest":9},"lookup_from":{"collection":"books"}},{"query":[1,1]}]}}"""), 0);
        PlannedRequest p = harness.extractOutputValues().get(0);
        assertTrue(p.batch());
        assertEquals("mine", p.ref().replyTo());
        assertArrayEquals(new CatalogEntry[] {SHOP_1, BOOKS}, p.catalog());
        Lookup l = side(harness, Tags.LOOKUPS).get(0);
        assertEquals("books", l.collection());
        assertEquals(5, l.incarnation());
    }

    @Test
    void catalogErrorsAreAnsweredAtOnce() throws Exception {
        harness.processElement(request(5, """
                {"request_id":"r3","op":"query","collection":"nope","body":{"query":[1,1]}}"""), 0);
        JsonNode r = onlyResponse();
        assertEquals(404, r.get("code").asInt());
        assertEquals("Not found: Collection `nope` doesn't exist!", r.at("/status/error").asText());
        assertEquals("r3", r.get("request_id").asText());
        assertTrue(harness.extractOutputValues().isEmpty());
        assertTrue(side(harness, Tags.LOOKUPS).isEmpty());
    }

    @Test
    void anEmptyBatchIsPlannedAgainstItsCollection() throws Exception {
        harness.processElement(request(6, """
                {"request_id":"r6","op":"query_batch","collection":"shop","body":{"searches":[]}}"""), 0);
        PlannedRequest p = harness.extractOutputValues().get(0);
        assertTrue(p.batch());
        assertEquals(0, p.lookups());
        assertArrayEquals(new CatalogEntry[] {SHOP_1}, p.catalog());
        assertTrue(side(harness, Tags.OUTBOUND).isEmpty());
    }

    @Test
    void anEmptyBatchOnAnUnknownCollectionIsA404() throws Exception {
        harness.processElement(request(7, """
                {"request_id":"r7","op":"query_batch","collection":"nope","body":{"searches":[]}}"""), 0);
        JsonNode r = onlyResponse();
        assertEquals(404, r.get("code").asInt());
        assertEquals("Not found: Collection `nope` doesn't exist!", r.at("/status/error").asText());
        assertTrue(harness.extractOutputValues().isEmpty());
    }

    @Test
    void unreadableRequestsAreAnsweredUnderTheirGeneratedId() throws Exception {
        harness.processElement(request(6, "[1,2"), 0);
        Outbound out = side(harness, Tags.OUTBOUND).get(0);
        assertEquals("sextant.requests-0-6", out.key());
        assertEquals(RESULTS, out.topic());
        JsonNode r = json(out);
        assertEquals(400, r.get("code").asInt());
        assertEquals("sextant.requests-0-6", r.get("request_id").asText());
        assertTrue(r.at("/status/error").asText().startsWith("Format error in JSON body"));
    }

    @Test
    void aBadReplyToIsAnsweredOnTheResultsTopic() throws Exception {
        harness.processElement(request(7, """
                {"request_id":"r4","op":"query","collection":"shop","reply_to":"a b","body":{"query":[1,1]}}"""), 0);
        Outbound out = side(harness, Tags.OUTBOUND).get(0);
        assertEquals(RESULTS, out.topic());
        assertEquals("r4", out.key());
        assertEquals(400, json(out).get("code").asInt());
    }

    @Test
    void aReplyToTopicThatDoesNotExistIsRefused() throws Exception {
        harness.processElement(request(9, """
                {"request_id":"r6","op":"query","collection":"shop","reply_to":"missing","body":{"query":[1,1]}}"""), 0);
        Outbound out = side(harness, Tags.OUTBOUND).get(0);
        assertEquals(RESULTS, out.topic());
        assertEquals("Bad request: reply_to topic `missing` does not exist", json(out).at("/status/error").asText());
        assertTrue(harness.extractOutputValues().isEmpty());
    }

    @Test
    void deeplyNestedFiltersAreAnsweredNotThrown() throws Exception {
        for (int depth : new int[] {60, 200}) {
            String filter = "{\"must\":".repeat(depth) + "[]" + "}".repeat(depth);
            harness.processElement(request(10 + depth, "{\"request_id\":\"d" + depth
                    + "\",\"op\":\"query\",\"collection\":\"shop\",\"body\":{\"query\":[1,1],\"filter\":" + filter + "}}"), 0);
        }
        assertEquals(1, harness.extractOutputValues().size()); // depth 60 is planned
        JsonNode r = onlyResponse(); // depth 200 is refused
        assertEquals("sextant.requests-0-210", r.get("request_id").asText());
        assertEquals(400, r.get("code").asInt());
        assertTrue(r.at("/status/error").asText().contains("nesting depth"), r.toString());
    }

    @Test
    void requestsOverTheJobsLimitsAreA400NamingTheOption() throws Exception {
        harness.close();
        harness = ProcessFunctionTestHarnesses.forBroadcastProcessFunction(
                new RequestPlanner(RESULTS, MAX_BYTES, new RequestLimits(20, 2, 1), topic -> true), CollectionCatalog.BROADCAST);
        harness.processBroadcastElement(SHOP_CREATED, 0);
        harness.processElement(request(1, """
                {"request_id":"l1","op":"query","collection":"shop","body":{"query":[1,1],"limit":15,"offset":6}}"""), 0);
        harness.processElement(request(2, """
                {"request_id":"l2","op":"query","collection":"shop","body":{"query":{"recommend":{"positive":[1,2,3]}}}}"""), 0);
        harness.processElement(request(3, """
                {"request_id":"l3","op":"query_batch","collection":"shop","body":{"searches":[{"query":[1,1]},{"query":[1,1]}]}}"""), 0);
        harness.processElement(request(4, """
                {"request_id":"l4","op":"query","collection":"shop","body":{"query":[1,1],"limit":10,"offset":10}}"""), 0);
        List<JsonNode> out = side(harness, Tags.OUTBOUND).stream().map(Fixtures::json).toList();
        assertEquals(List.of("l1", "l2", "l3"), out.stream().map(r -> r.get("request_id").asText()).toList());
        out.forEach(r -> assertEquals(400, r.get("code").asInt(), r.toString()));
        assertEquals(List.of(
                        "Bad request: limit + offset must be at most 20 (sextant.request.max-limit-offset)",
                        "Bad request: a query may have at most 2 examples (sextant.request.max-examples), got 3",
                        "Bad request: a batch may have at most 1 searches (sextant.request.max-batch-searches), got 2"),
                out.stream().map(r -> r.at("/status/error").asText()).toList());
        assertEquals(1, harness.extractOutputValues().size()); // l4: limit + offset = 20 is planned
    }

    @Test
    void parserErrorsKeepQdrantsCodes() throws Exception {
        harness.processElement(request(8, """
                {"request_id":"r5","op":"query","collection":"shop","body":{"query":[1,1],"limit":0}}"""), 0);
        JsonNode r = onlyResponse();
        assertEquals(422, r.get("code").asInt());
        assertTrue(r.at("/status/error").asText().contains("value 0 invalid, must be 1 or larger"), r.toString());
    }
}
