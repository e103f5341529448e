package dev.sextant.job.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sextant.index.PointId;
import dev.sextant.job.protocol.Hit;
import dev.sextant.job.protocol.Json;
import dev.sextant.job.protocol.Outbound;
import dev.sextant.job.protocol.RawRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** The JSON of responses, acknowledgments and dead letters, and the Kafka record (de)serialisers. */
class OutputSchemasTest {
    @Test
    void responsesHaveQdrantsShape() {
        List<Hit> hits = List.of(
                new Hit(PointId.of(7), 0.81f, "{\"city\":\"Berlin\"}", null),
                new Hit(PointId.of(-1L), 0.5f, null, "[1.0,2.5]"),
                new Hit(PointId.of(UUID.fromString("5c56c793-69f3-4fbf-87e6-c4bf54c28c26")), 0.25f, null, null));
        JsonNode r = Json.readTrusted(ResponseSchema.ok("r1", 0.0031, List.of(hits), false));
        assertEquals(Json.readTrusted("""
                {"request_id":"r1","code":200,"status":"ok","time":0.0031,"result":{"points":[
                  {"id":7,"score":0.81,"payload":{"city":"Berlin"}},
                  {"id":18446744073709551615,"score":0.5,"vector":[1.0,2.5]},
                  {"id":"5c56c793-69f3-4fbf-87e6-c4bf54c28c26","score":0.25}]}}"""), r);
        JsonNode batch = Json.readTrusted(ResponseSchema.ok("r2", 0, List.of(hits.subList(0, 1), List.of()), true));
        assertEquals(2, batch.get("result").size());
        assertEquals(0, batch.at("/result/1/points").size());
        assertEquals(Json.readTrusted("{\"request_id\":\"r3\",\"code\":404,\"status\":{\"error\":\"Not found: x\"},\"time\":0.5}"),
                Json.readTrusted(ResponseSchema.error("r3", 404, "Not found: x", 0.5)));
    }

    @Test
    void acknowledgments() {
        assertEquals("{\"op_id\":\"a\",\"status\":\"completed\"}", AckSchema.completed("a"));
        assertEquals("{\"op_id\":\"b\",\"status\":{\"error\":\"bad\"},\"code\":400}", AckSchema.failed("b", 400, "bad"));
    }

    @Test
    void deadLettersCarryTheOriginalTextCutToABoundedSize() {
        RawRecord small = new RawRecord("p", 1, 2, 3, null, "{\"op\":1}".getBytes(StandardCharsets.UTF_8));
        JsonNode d = Json.readTrusted(DeadLetterSchema.of(small, 400, "why", "o1"));
        assertEquals(Json.readTrusted("""
                {"reason":"why","code":400,"op_id":"o1","topic":"p","partition":1,"offset":2,"timestamp":3,
                 "record":"{\\"op\\":1}","record_truncated":false}"""), d);
        byte[] big = ("é".repeat(DeadLetterSchema.MAX_RECORD_CHARS + 10)).getBytes(StandardCharsets.UTF_8);
        JsonNode cut = Json.readTrusted(DeadLetterSchema.of(new RawRecord("p", 0, 0, 0, null, big), 400, "why", null));
        assertEquals(DeadLetterSchema.MAX_RECORD_CHARS, cut.get("record").asText().length());
        assertTrue(cut.get("record_truncated").asBoolean());
        assertFalse(cut.has("op_id"));
        assertNull(DeadLetterSchema.originalText(null));
    }

    @Test
    void kafkaRecordsRoundTrip() throws Exception {
        var out = new java.util.ArrayList<RawRecord>();
        new RawRecordSchema().deserialize(new ConsumerRecord<>("t", 3, 9, null, "v".getBytes(StandardCharsets.UTF_8)),
                new org.apache.flink.util.Collector<>() {
                    public void collect(RawRecord r) { out.add(r); }
                    public void close() {}
                });
        assertEquals("t-3-9", out.get(0).position());
        ProducerRecord<byte[], byte[]> p = new OutboundSchema().serialize(new Outbound("replies", "r1", "{}"), null, null);
        assertEquals("replies", p.topic());
        assertEquals("r1", new String(p.key(), StandardCharsets.UTF_8));
        assertEquals("{}", new String(p.value(), StandardCharsets.UTF_8));
        assertNull(p.partition());
    }
}
