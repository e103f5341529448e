package dev.sextant.job.kafka;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.sextant.job.protocol.Hit;
import dev.sextant.job.protocol.Json;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The wire format of responses (results topic or {@code reply_to}; key = request id):
 * <pre>
 * {"request_id":"r1","code":200,"status":"ok","time":0.0031,"result":{"points":[{"id":7,"score":0.81,"payload":{...}}]}}
 * {"request_id":"r2","code":200,"status":"ok","time":0.0040,"result":[{"points":[...]},{"points":[...]}]}   (query_batch)
 * {"request_id":"r3","code":404,"status":{"error":"Not found: No point with id 3 found"},"time":0.0007}
 * </pre>
 * The result shapes are Qdrant's Query API ones; {@code time} is in seconds from the request's receipt.
 * Payloads and vectors are copied in as the JSON text the partitions produced, without re-parsing.
 */
public final class ResponseSchema {
    private ResponseSchema() {}

    /** A successful response; {@code results} has one list per search ({@code batch}) or exactly one. */
    public static String ok(String requestId, double timeSeconds, List<List<Hit>> results, boolean batch) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("request_id", requestId);
            g.writeNumberField("code", 200);
            g.writeStringField("status", "ok");
            g.writeNumberField("time", timeSeconds);
            g.writeFieldName("result");
            if (batch) {
                g.writeStartArray();
                for (List<Hit> hits : results) {
                    writePoints(g, hits);
                }
                g.writeEndArray();
            } else {
                writePoints(g, results.get(0));
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** An error response with Qdrant's status code and message. */
    public static String error(String requestId, int code, String message, double timeSeconds) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("request_id", requestId);
            g.writeNumberField("code", code);
            g.writeObjectFieldStart("status");
            g.writeStringField("error", message);
            g.writeEndObject();
            g.writeNumberField("time", timeSeconds);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void writePoints(JsonGenerator g, List<Hit> hits) throws IOException {
        g.writeStartObject();
        g.writeArrayFieldStart("points");
        for (Hit h : hits) {
            g.writeStartObject();
            g.writeFieldName("id");
            if (h.id().isUuid()) {
                g.writeString(h.id().uuid());
            } else {
                g.writeNumber(Long.toUnsignedString(h.id().num()));
            }
            g.writeNumberField("score", h.score());
            if (h.payloadJson() != null) {
                g.writeFieldName("payload");
                g.writeRawValue(h.payloadJson());
            }
            if (h.vectorJson() != null) {
                g.writeFieldName("vector");
                g.writeRawValue(h.vectorJson());
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }
}
