package dev.sextant.job.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sextant.index.QdrantException;
import dev.sextant.job.protocol.Json;
import org.junit.jupiter.api.Test;

class RequestSchemaTest {
    @Test
    void requestIdsAreStringsOrIntegers() {
        assertEquals("r1", RequestSchema.requestId(Json.readTrusted("{\"request_id\":\"r1\"}")));
        assertEquals("42", RequestSchema.requestId(Json.readTrusted("{\"request_id\":42}")));
        assertNull(RequestSchema.requestId(Json.readTrusted("{\"request_id\":\"\"}")));
        assertNull(RequestSchema.requestId(Json.readTrusted("{\"request_id\":{}}")));
        assertNull(RequestSchema.requestId(Json.readTrusted("{}")));
        assertNull(RequestSchema.requestId(Json.readTrusted("{\"request_id\":\"" + "x".repeat(1025) + "\"}")));
    }

    @Test
    void replyToMustBeATopicName() {
        assertEquals("my.replies_1-a", RequestSchema.replyTo(Json.readTrusted("{\"reply_to\":\"my.replies_1-a\"}")));
        assertNull(RequestSchema.replyTo(Json.readTrusted("{\"reply_to\":null}")));
        for (String bad : new String[] {"\"a b\"", "\"..\"", "\"\"", "7", "\"" + "t".repeat(250) + "\""}) {
            QdrantException e = assertThrows(QdrantException.class,
                    () -> RequestSchema.replyTo(Json.readTrusted("{\"reply_to\":" + bad + "}")), bad);
            assertEquals(400, e.code());
        }
    }

    @Test
    void theEnvelopeNeedsAKnownOpACollectionAndABody() {
        var r = RequestSchema.envelope(Json.readTrusted("{\"op\":\"query_batch\",\"collection\":\"c\",\"body\":{\"searches\":[]},\"x\":1}"));
        assertTrue(r.batch());
        assertEquals("c", r.collection());
        String[][] cases = {
            {"{\"collection\":\"c\",\"body\":{}}", "missing field `op`"},
            {"{\"op\":\"recommend\",\"collection\":\"c\",\"body\":{}}", "unknown op \"recommend\""},
            {"{\"op\":\"query\",\"body\":{}}", "missing field `collection`"},
            {"{\"op\":\"query\",\"collection\":\"c\"}", "missing field `body`"},
            {"{\"op\":\"query\",\"collection\":\"c\",\"body\":[]}", "`body` must be an object"},
        };
        for (String[] c : cases) {
            QdrantException e = assertThrows(QdrantException.class, () -> RequestSchema.envelope(Json.readTrusted(c[0])), c[0]);
            assertTrue(e.getMessage().contains(c[1]), e.getMessage());
        }
    }

    @Test
    void aMessageMustBeAJsonObject() {
        for (String bad : new String[] {"", "[1]", "{", "null"}) {
            QdrantException e = assertThrows(QdrantException.class,
                    () -> RequestSchema.readRoot(bad.getBytes(java.nio.charset.StandardCharsets.UTF_8)), bad);
            assertTrue(e.getMessage().startsWith("Format error in JSON body"), e.getMessage());
        }
    }
}
