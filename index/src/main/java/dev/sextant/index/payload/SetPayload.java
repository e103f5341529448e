package dev.sextant.index.payload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sextant.index.Point;
import dev.sextant.index.QdrantException;
import dev.sextant.index.filter.JsonPath;

/**
 * {@code set_payload} ({@code POST /collections/{c}/points/payload}): sets the given keys and keeps the others
 * (Qdrant documentation "Payload", "Set payload"; server v1.19).
 *
 * <ul>
 *   <li>Without {@code key}: each top-level key of {@code payload} replaces the point's value of that key
 *       (no deep merge); a key set to {@code null} is removed.</li>
 *   <li>With {@code key} (a payload path, since Qdrant v1.8): the same merge inside the object at that path,
 *       which is created when missing; a value on the way that is not an object is replaced by one. A
 *       {@code [n]} step enters an existing element only, a {@code []} step every element of an existing
 *       array; a value there that is not an array becomes {@code []} and nothing is set in it.</li>
 * </ul>
 *
 * @param payload the keys to set (a private copy; {@link #payload()} returns another)
 * @param selector the points to change
 * @param key the path of the object to merge into, or {@code null} for the top level
 */
public record SetPayload(ObjectNode payload, PointSelector selector, JsonPath key) implements PayloadOperation {
    public static final String NAME = "set_payload";

    public SetPayload {
        payload = payload.deepCopy();
    }

    /**
     * Parses {@code {"payload": {..}, "points": [ids] | "filter": {..}, "key"?: "path"}}.
     *
     * @throws QdrantException 400 "Format error in JSON body: …" for a missing or non-object payload, neither
     *     points nor filter ("Either list of point ids or filter must be provided"), a bad id, a malformed
     *     filter or key; 422 for a filter condition without a check
     */
    public static SetPayload fromJson(JsonNode body) {
        PayloadOperations.requireObject(body);
        return new SetPayload(PayloadOperations.payloadOf(body), PointSelector.required(body), keyOf(body));
    }

    /** The {@code key} field: a payload path, or {@code null} when absent. */
    static JsonPath keyOf(JsonNode body) {
        JsonNode key = body.get("key");
        if (!PayloadOperations.present(key)) {
            return null;
        }
        if (!key.isTextual()) {
            throw PayloadOperations.format("key: expected a payload key string, got " + key);
        }
        return JsonPath.parse(key.textValue());
    }

    @Override
    public ObjectNode payload() {
        return payload.deepCopy();
    }

    @Override
    public Point apply(Point point) {
        ObjectNode next = point.payload() == null ? JsonNodeFactory.instance.objectNode() : point.payload().deepCopy();
        if (key == null) {
            PayloadPaths.merge(next, payload);
        } else {
            PayloadPaths.set(next, key, payload);
        }
        return new Point(point.id(), point.vectors(), next);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.set("payload", payload.deepCopy());
        selector.writeTo(body);
        if (key != null) {
            body.put("key", key.toString());
        }
        return body;
    }
}
