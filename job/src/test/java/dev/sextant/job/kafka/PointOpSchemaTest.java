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
    void anOpOrCollectionOfAnotherTypeIsSkippedWholeSoTheOpIdIsStillRead() {
        var op = assertThrows(PointOpSchema.InvalidOperation.class, () -> PointOpSchema.peek(bytes(
                "{\"op\":{\"name\":\"upsert\",\"op_id\":\"inner\"},\"collection\":\"c\",\"op_id\":\"x\"}")));
        assertEquals("x", op.opId());
        assertTrue(op.getMessage().contains("unknown op (not a string)"), op.getMessage());
        var collection = assertThrows(PointOpSchema.InvalidOperation.class, () -> PointOpSchema.peek(bytes(
                "{\"op\":\"upsert\",\"collection\":[\"c\"],\"op_id\":\"y\"}")));
        assertEquals("y", collection.opId());
        assertTrue(collection.getMessage().contains("`collection` must be a string"), collection.getMessage());
    }

    @Test
    void malformedUtf8IsRefusedEvenWhereJacksonWouldDecodeIt() {
        // C0 AF is an overlong "/", 80 a lone continuation byte, ED A0 80 a surrogate: none is UTF-8
        for (byte[] bad : new byte[][] {{(byte) 0xC0, (byte) 0xAF}, {(byte) 0x80}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}}) {
            byte[] before = bytes("{\"op\":\"delete\",\"collection\":\"c\",\"op_id\":\"u\",\"body\":{\"points\":[\"");
            byte[] after = bytes("\"]}}");
            byte[] value = new byte[before.length + bad.length + after.length];
            System.arraycopy(before, 0, value, 0, before.length);
            System.arraycopy(bad, 0, value, before.length, bad.length);
            System.arraycopy(after, 0, value, before.length + bad.length, after.length);
            var e = assertThrows(PointOpSchema.InvalidOperation.class, () -> PointOpSchema.parse(value));
            assertEquals(400, e.error().code());
            assertEquals("Format error in JSON body: invalid UTF-8 at byte " + before.length, e.getMessage());
        }
        assertEquals("c\u00e9", PointOpSchema.parse(bytes("{\"op\":\"delete_collection\",\"collection\":\"c\u00e9\"}")).collection());
    }

    @Test
    void anOpIdMustBeAStringOrInteger() {
        var e = assertThrows(PointOpSchema.InvalidOperation.class,
                () -> PointOpSchema.peek(bytes("{\"op_id\":{\"a\":1},\"op\":\"upsert\",\"collection\":\"c\"}")));
        assertTrue(e.getMessage().contains("op_id must be a string"));
    }
}
