package dev.sextant.job.operators;

import static dev.sextant.job.operators.Fixtures.DEAD_LETTERS;
import static dev.sextant.job.operators.Fixtures.json;
import static dev.sextant.job.operators.Fixtures.pointOp;
import static dev.sextant.job.operators.Fixtures.side;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sextant.job.protocol.AckPart;
import dev.sextant.job.protocol.Outbound;
import dev.sextant.job.protocol.RawRecord;
import dev.sextant.job.protocol.RoutedOperation;
import java.util.List;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PointOpRouterTest {
    private OneInputStreamOperatorTestHarness<RawRecord, RoutedOperation> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = ProcessFunctionTestHarnesses.forProcessFunction(new PointOpRouter(DEAD_LETTERS, 200));
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    @Test
    void everyReadableOperationGoesToTheCatalogWithItsEnvelope() throws Exception {
        RawRecord upsert = pointOp(1, "{\"op\":\"upsert\",\"collection\":\"shop\",\"body\":{\"points\":[]}}");
        RawRecord delete = pointOp(2, "{\"body\":{\"points\":[1]},\"collection\":\"shop\",\"op\":\"delete\",\"extra\":[1,{}]}");
        RawRecord create = pointOp(3, """
                {"op":"create_collection","collection":"books","op_id":"c1","body":{"vectors":{"size":2,"distance":"Dot"}}}""");
        harness.processElement(upsert, 0);
        harness.processElement(delete, 0);
        harness.processElement(create, 0);
        assertEquals(List.of(
                        "upsert shop null " + upsert.position(),
                        "delete shop null " + delete.position(),
                        "create_collection books c1 " + create.position()),
                harness.extractOutputValues().stream()
                        .map(r -> r.op() + " " + r.collection() + " " + r.opId() + " " + r.record().position())
                        .toList());
        assertTrue(side(harness, Tags.OUTBOUND).isEmpty());
    }

    @Test
    void anOversizedOperationIsAcknowledgedUnderItsOpId() throws Exception {
        String big = "{\"op\":\"upsert\",\"collection\":\"shop\",\"op_id\":\"big\",\"body\":{\"points\":[{\"id\":1,"
                + "\"vector\":[1,0],\"payload\":{\"s\":\"" + "x".repeat(300) + "\"}}]}}";
        harness.processElement(pointOp(1, big), 0);
        assertTrue(harness.extractOutputValues().isEmpty());
        List<AckPart> acks = side(harness, Tags.ACKS);
        assertEquals(1, acks.size());
        assertEquals("big", acks.get(0).opId());
        assertEquals(400, acks.get(0).code());
        JsonNode dead = json(side(harness, Tags.OUTBOUND).get(0));
        assertTrue(dead.toString().contains("exceeds sextant.max-message-bytes (200)"), dead.toString());
    }

    @Test
    void unreadableOperationsAreDeadLetteredAndAcknowledgedWhenTheyHaveAnOpId() throws Exception {
        harness.processElement(pointOp(1, "not json"), 0);
        harness.processElement(pointOp(2, "{\"op\":\"merge\",\"collection\":\"shop\",\"op_id\":\"m\"}"), 0);
        harness.processElement(pointOp(3, "{\"op_id\":\"n\",\"op\":\"upsert\"}"), 0);
        harness.processElement(pointOp(4, "{\"op\":\"upsert\",\"collection\":\"a/b\"}"), 0);
        harness.processElement(pointOp(5, "x".repeat(201)), 0);
        harness.processElement(pointOp(6, null), 0);

        List<Outbound> dead = side(harness, Tags.OUTBOUND);
        assertEquals(6, dead.size());
        dead.forEach(d -> assertEquals(DEAD_LETTERS, d.topic()));
        JsonNode first = json(dead.get(0));
        assertEquals(400, first.get("code").asInt());
        assertEquals("sextant.points-0-1", dead.get(0).key());
        assertEquals("not json", first.get("record").asText());
        assertEquals(1, first.get("offset").asLong());
        assertTrue(json(dead.get(1)).get("reason").asText().contains("unknown op `merge`"));
        assertTrue(json(dead.get(2)).get("reason").asText().contains("missing field `collection`"));
        assertEquals(422, json(dead.get(3)).get("code").asInt());
        assertTrue(json(dead.get(4)).get("reason").asText().contains("exceeds sextant.max-message-bytes"));
        assertTrue(json(dead.get(5)).get("reason").asText().contains("empty message"));

        List<AckPart> acks = side(harness, Tags.ACKS);
        assertEquals(List.of("m", "n"), acks.stream().map(AckPart::opId).toList());
        acks.forEach(a -> assertTrue(a.rejects()));
        assertTrue(harness.extractOutputValues().isEmpty());
    }
}
