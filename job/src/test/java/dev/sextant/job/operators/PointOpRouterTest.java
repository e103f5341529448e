package dev.sextant.job.operators;

import static dev.sextant.job.operators.Fixtures.DEAD_LETTERS;
import static dev.sextant.job.operators.Fixtures.json;
import static dev.sextant.job.operators.Fixtures.pointOp;
import static dev.sextant.job.operators.Fixtures.side;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sextant.job.protocol.AckPart;
import dev.sextant.job.protocol.CollectionCommand;
import dev.sextant.job.protocol.Outbound;
import dev.sextant.job.protocol.RawRecord;
import java.util.List;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PointOpRouterTest {
    private OneInputStreamOperatorTestHarness<RawRecord, RawRecord> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = ProcessFunctionTestHarnesses.forProcessFunction(new PointOpRouter(DEAD_LETTERS, 200));
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    @Test
    void upsertsAndDeletesGoOnUnchanged() throws Exception {
        RawRecord upsert = pointOp(1, "{\"op\":\"upsert\",\"collection\":\"shop\",\"body\":{\"points\":[]}}");
        RawRecord delete = pointOp(2, "{\"body\":{\"points\":[1]},\"collection\":\"shop\",\"op\":\"delete\",\"extra\":[1,{}]}");
        harness.processElement(upsert, 0);
        harness.processElement(delete, 0);
        assertEquals(List.of(upsert.position(), delete.position()),
                harness.extractOutputValues().stream().map(RawRecord::position).toList());
        assertTrue(side(harness, Tags.OUTBOUND).isEmpty());
    }

    @Test
    void collectionOperationsBecomeCommands() throws Exception {
        harness.processElement(pointOp(1, """
                {"op":"create_collection","collection":"shop","op_id":"c1","body":{"vectors":{"size":2,"distance":"Dot"}}}"""), 0);
        harness.processElement(pointOp(2, "{\"op\":\"delete_collection\",\"collection\":\"shop\"}"), 0);
        List<CollectionCommand> commands = side(harness, Tags.COMMANDS);
        assertEquals(2, commands.size());
        assertTrue(commands.get(0).create());
        assertEquals("shop", commands.get(0).collection());
        assertEquals("c1", commands.get(0).opId());
        assertEquals(json("{\"size\":2,\"distance\":\"Dot\"}"), json(commands.get(0).configJson()));
        assertFalse(commands.get(1).create());
        assertNull(commands.get(1).opId());
        assertTrue(harness.extractOutputValues().isEmpty());
    }

    @Test
    void unreadableOperationsAreDeadLetteredAndAcknowledgedWhenTheyHaveAnOpId() throws Exception {
        harness.processElement(pointOp(1, "not json"), 0);
        harness.processElement(pointOp(2, "{\"op\":\"merge\",\"collection\":\"shop\",\"op_id\":\"m\"}"), 0);
        harness.processElement(pointOp(3, "{\"op_id\":\"n\",\"op\":\"upsert\"}"), 0);
        harness.processElement(pointOp(4, "{\"op\":\"create_collection\",\"collection\":\"x\",\"op_id\":\"c\",\"body\":{\"vectors\":{\"size\":2,\"distance\":\"Cosinus\"}}}"), 0);
        harness.processElement(pointOp(5, "{\"op\":\"upsert\",\"collection\":\"a/b\"}"), 0);
        harness.processElement(pointOp(6, "x".repeat(201)), 0);
        harness.processElement(pointOp(7, null), 0);

        List<Outbound> dead = side(harness, Tags.OUTBOUND);
        assertEquals(7, dead.size());
        dead.forEach(d -> assertEquals(DEAD_LETTERS, d.topic()));
        JsonNode first = json(dead.get(0));
        assertEquals(400, first.get("code").asInt());
        assertEquals("sextant.points-0-1", dead.get(0).key());
        assertEquals("not json", first.get("record").asText());
        assertEquals(1, first.get("offset").asLong());
        assertTrue(json(dead.get(1)).get("reason").asText().contains("unknown op `merge`"));
        assertTrue(json(dead.get(2)).get("reason").asText().contains("missing field `collection`"));
        assertTrue(json(dead.get(3)).get("reason").asText().contains("unknown variant `Cosinus`"), dead.get(3).value());
        assertEquals(422, json(dead.get(4)).get("code").asInt());
        assertTrue(json(dead.get(5)).get("reason").asText().contains("exceeds sextant.max-message-bytes"));
        assertTrue(json(dead.get(6)).get("reason").asText().contains("empty message"));

        List<AckPart> acks = side(harness, Tags.ACKS);
        assertEquals(List.of("m", "n", "c"), acks.stream().map(AckPart::opId).toList());
        acks.forEach(a -> assertTrue(a.isError()));
        assertTrue(harness.extractOutputValues().isEmpty());
    }
}
