package dev.sextant.job.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PointOpSchemaTest {
    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void peekReadsTheEnvelopeInAnyFieldOrderAndIgnoresUnknownFields() {
        var h = PointOpSchema.peek(bytes("{\"body\":{\"points\":[{\"id\":1,\"vector\":[1,2]}]},\"x\":[{}],\"op_id\":7,\"collection\":\"c\",\"op\":\"upsert\"}"));
        assertEquals(new PointOpSchema.Header("upsert", "c", "7"), h);
        assertNull(PointOpSchema.peek(bytes("{\"op\":\"delete\",\"collection\":\"c\"}")).opId());
    }

    @Test
    void peekAndParseAgreeOnErrors() {
        for (String bad : new String[] {"[]", "{\"op\":\"upsert\"", "{\"op\":1,\"collection\":\"c\"}",
                "{\"collection\":\"c\"}", "{\"op\":\"upsert\",\"collection\":\"\"}", "{\"op\":\"upsert\",\"collection\":\"c\"} 1"}) {
            var peek = assertThrows(PointOpSchema.InvalidOperation.class, () -> PointOpSchema.peek(bytes(bad)), bad);
            var parse = assertThrows(PointOpSchema.InvalidOperation.class, () -> PointOpSchema.parse(bytes(bad)), bad);
            assertEquals(peek.error().code(), parse.error().code(), bad);
        }
    }

    @Test
    void theOpIdIsKeptWhenAnotherFieldIsWrong() {
        var e = assertThrows(PointOpSchema.InvalidOperation.class,
                () -> PointOpSchema.peek(bytes("{\"op_id\":\"x\",\"op\":\"upsert\"}")));
        assertEquals("x", e.opId());
        assertTrue(e.getMessage().contains("missing field `collection`"));
        var p = assertThrows(PointOpSchema.InvalidOperation.class,
                () -> PointOpSchema.parse(bytes("{\"op_id\":\"x\",\"op\":\"upsert\",\"collection\":\"a*b\"}")));
        assertEquals("x", p.opId());
        assertEquals(422, p.error().code());
    }

    @Test
    void anOpIdMustBeAStringOrInteger() {
        var e = assertThrows(PointOpSchema.InvalidOperation.class,
                () -> PointOpSchema.peek(bytes("{\"op_id\":{\"a\":1},\"op\":\"upsert\",\"collection\":\"c\"}")));
        assertTrue(e.getMessage().contains("op_id must be a string"));
    }
}
