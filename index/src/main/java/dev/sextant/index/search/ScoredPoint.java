package dev.sextant.index.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sextant.index.PointId;
import java.util.List;

/**
 * One result point: id, the score as Qdrant shows it, and the payload / vector selected by
 * {@code with_payload} / {@code with_vector} ({@code null} when not asked for).
 */
public record ScoredPoint(PointId id, float score, JsonNode payload, JsonNode vector) {

    /**
     * Qdrant's result point: {@code {"id", "score", "payload"?, "vector"?}} (absent when not asked for).
     * JSON has no NaN or infinity: a score that overflowed float32 (finite vectors with huge components)
     * is written as ±3.4028235E38, a NaN score as {@code null}.
     */
    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.set("id", id.toJson());
        if (Float.isNaN(score)) {
            o.putNull("score");
        } else {
            o.put("score", Math.max(-Float.MAX_VALUE, Math.min(Float.MAX_VALUE, score)));
        }
        if (payload != null) {
            o.set("payload", payload);
        }
        if (vector != null) {
            o.set("vector", vector);
        }
        return o;
    }

    /** Qdrant's Query API result: {@code {"points": [...]}}. */
    public static ObjectNode pointsJson(List<ScoredPoint> points) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        ArrayNode a = o.putArray("points");
        points.forEach(p -> a.add(p.toJson()));
        return o;
    }
}
