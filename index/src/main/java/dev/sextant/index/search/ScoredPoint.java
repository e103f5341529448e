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

    /** Qdrant's result point: {@code {"id", "score", "payload"?, "vector"?}} (absent when not asked for). */
    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.set("id", id.toJson());
        o.put("score", score);
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
