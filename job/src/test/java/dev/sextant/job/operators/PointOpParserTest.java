package dev.sextant.job.operators;

import static dev.sextant.job.operators.Fixtures.DEAD_LETTERS;
import static dev.sextant.job.operators.Fixtures.KEYS;
import static dev.sextant.job.operators.Fixtures.SHOP_CREATED;
import static dev.sextant.job.operators.Fixtures.SHOP_DELETED;
import static dev.sextant.job.operators.Fixtures.json;
import static dev.sextant.job.operators.Fixtures.pointOp;
import static dev.sextant.job.operators.Fixtures.side;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sextant.index.PointId;
import dev.sextant.job.protocol.AckPart;
import dev.sextant.job.protocol.CollectionChange;
import dev.sextant.job.protocol.Outbound;
import dev.sextant.job.protocol.PointWrite;
import dev.sextant.job.protocol.RawRecord;
import java.util.List;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PointOpParserTest {
    private BroadcastOperatorTestHarness<RawRecord, CollectionChange, PointWrite> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = ProcessFunctionTestHarnesses.forBroadcastProcessFunction(
                new PointOpParser(DEAD_LETTERS, KEYS), PointOpParser.CATALOG);
        harness.processBroadcastElement(SHOP_CREATED, 0);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    @Test
    void catalogChangesAreAppliedAndAcknowledgedBySubtask() throws Exception {
        assertEquals(List.of(AckPart.stageApplied("create-shop", PointOpParser.STAGE, 1)), side(harness, Tags.ACKS));
        assertEquals(Fixtures.SHOP_1, harness.getBroadcastState(PointOpParser.CATALOG).get("shop"));
    }

    @Test
    void anUpsertBecomesOneWritePerPoint() throws Exception {
        harness.processElement(pointOp(1, """
                {"op":"upsert","collection":"shop","op_id":"u","body":{"points":[
                  {"id":7,"vector":[1,2],"payload":{"a":1}},{"id":"5c56c793-69f3-4fbf-87e6-c4bf54c28c26","vector":[3,4]}]}}"""), 0);
        List<PointWrite> writes = harness.extractOutputValues();
        assertEquals(2, writes.size());
        PointWrite w = writes.get(0);
        assertEquals(PointId.of(7), w.id());
        assertEquals(1, w.incarnation());
        assertEquals(KEYS.partitionOf("shop", PointId.of(7)), w.partition());
        assertArrayEquals(new String[] {""}, w.vectorNames());
        assertArrayEquals(new float[] {1, 2}, w.vectors()[0]);
        assertEquals(json("{\"a\":1}"), json(w.payloadJson()));
        assertEquals("u", w.opId());
        assertEquals(2, w.opPoints());
        assertNull(writes.get(1).payloadJson());
        assertEquals("5c56c793-69f3-4fbf-87e6-c4bf54c28c26", writes.get(1).id().uuid());
    }

    @Test
    void aDeleteBecomesOneWritePerId() throws Exception {
        harness.processElement(pointOp(1, "{\"op\":\"delete\",\"collection\":\"shop\",\"body\":{\"points\":[1,2]}}"), 0);
        List<PointWrite> writes = harness.extractOutputValues();
        assertEquals(2, writes.size());
        writes.forEach(w -> assertTrue(w.delete()));
        assertEquals(PointId.of(2), writes.get(1).id());
    }

    @Test
    void anOperationWithNoPointsIsAcknowledgedAtOnce() throws Exception {
        harness.processElement(pointOp(1, "{\"op\":\"upsert\",\"collection\":\"shop\",\"op_id\":\"e\",\"body\":{\"points\":[]}}"), 0);
        assertTrue(harness.extractOutputValues().isEmpty());
        assertEquals(AckPart.empty("e"), side(harness, Tags.ACKS).get(1));
    }

    @Test
    void oneBadPointRejectsTheWholeOperation() throws Exception {
        harness.processElement(pointOp(1, """
                {"op":"upsert","collection":"shop","op_id":"bad","body":{"points":[{"id":1,"vector":[1,2]},{"id":2,"vector":[1,2,3]}]}}"""), 0);
        assertTrue(harness.extractOutputValues().isEmpty());
        Outbound dead = side(harness, Tags.OUTBOUND).get(0);
        assertEquals(400, json(dead).get("code").asInt());
        assertTrue(json(dead).get("reason").asText().contains("Vector dimension error: expected dim: 2, got 3"));
        assertEquals("bad", json(dead).get("op_id").asText());
        AckPart ack = side(harness, Tags.ACKS).get(1);
        assertEquals(400, ack.code());
    }

    @Test
    void writesToUnknownOrDeletedCollectionsAreRejected() throws Exception {
        harness.processElement(pointOp(1, "{\"op\":\"upsert\",\"collection\":\"nope\",\"op_id\":\"n\",\"body\":{\"points\":[]}}"), 0);
        harness.processBroadcastElement(SHOP_DELETED, 0);
        harness.processElement(pointOp(2, "{\"op\":\"delete\",\"collection\":\"shop\",\"op_id\":\"d\",\"body\":{\"points\":[1]}}"), 0);
        List<Outbound> dead = side(harness, Tags.OUTBOUND);
        assertEquals(2, dead.size());
        assertEquals("Not found: Collection `nope` doesn't exist!", json(dead.get(0)).get("reason").asText());
        assertEquals("Not found: Collection `shop` doesn't exist!", json(dead.get(1)).get("reason").asText());
        assertEquals(404, json(dead.get(1)).get("code").asInt());
        assertTrue(harness.extractOutputValues().isEmpty());
    }

    @Test
    void malformedBodiesAreRejected() throws Exception {
        harness.processElement(pointOp(1, "{\"op\":\"upsert\",\"collection\":\"shop\",\"body\":{\"points\":{}}}"), 0);
        harness.processElement(pointOp(2, "{\"op\":\"upsert\",\"collection\":\"shop\"}"), 0);
        harness.processElement(pointOp(3, "{\"op\":\"delete\",\"collection\":\"shop\",\"body\":{\"filter\":{}}}"), 0);
        harness.processElement(pointOp(4, "{\"op\":\"delete\",\"collection\":\"shop\",\"body\":{\"points\":[-1]}}"), 0);
        harness.processElement(pointOp(5, "{\"op\":\"upsert\",\"collection\":\"shop\",\"body\":{\"points\":[{\"id\":1,\"vector\":[1e39,0]}]}}"), 0);
        List<String> reasons = side(harness, Tags.OUTBOUND).stream().map(o -> json(o).get("reason").asText()).toList();
        assertEquals(5, reasons.size(), reasons.toString());
        assertTrue(reasons.get(0).contains("`points` must be an array"), reasons.get(0));
        assertTrue(reasons.get(1).contains("missing field `body`"), reasons.get(1));
        assertTrue(reasons.get(2).contains("delete by `filter` is not supported"), reasons.get(2));
        assertTrue(reasons.get(3).contains("point id"), reasons.get(3));
        assertTrue(reasons.get(4).contains("not a finite float32"), reasons.get(4));
    }
}
