package dev.sextant.index.payload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sextant.index.Point;
import dev.sextant.index.QdrantException;
import dev.sextant.index.filter.JsonPath;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code delete_payload} ({@code POST /collections/{c}/points/payload/delete}): removes the given keys (Qdrant
 * documentation "Payload", "Delete payload keys"; server v1.19). A key is a payload path: {@code a.b} removes
 * {@code b} from the object {@code a}, {@code a[].b} removes {@code b} from every object element of the array
 * {@code a}, {@code a[]} empties the array {@code a}; a path that reaches nothing changes nothing. A path ending
 * in an index ({@code a[2]}) removes nothing (Qdrant refuses to, since it is not idempotent).
 *
 * @param keys the paths to remove, in order
 * @param selector the points to change
 */
public record DeletePayload(List<JsonPath> keys, PointSelector selector) implements PayloadOperation {
    public static final String NAME = "delete_payload";

    public DeletePayload {
        keys = List.copyOf(keys);
    }

    /**
     * Parses {@code {"keys": ["path", ..], "points": [ids] | "filter": {..}}}.
     *
     * @throws QdrantException 400 "Format error in JSON body: …" for missing or malformed keys, neither points
     *     nor filter, a bad id or a malformed filter; 422 for a filter condition without a check
     */
    public static DeletePayload fromJson(JsonNode body) {
        PayloadOperations.requireObject(body);
        JsonNode keys = body.get("keys");
        if (!PayloadOperations.present(keys)) {
            throw PayloadOperations.format("missing field `keys`");
        }
        if (!keys.isArray()) {
            throw PayloadOperations.format("keys: expected a list of payload keys, got " + keys);
        }
        List<JsonPath> paths = new ArrayList<>(keys.size());
        for (JsonNode key : keys) {
            if (!key.isTextual()) {
                throw PayloadOperations.format("keys: expected a payload key string, got " + key);
            }
            paths.add(JsonPath.parse(key.textValue()));
        }
        return new DeletePayload(paths, PointSelector.required(body));
    }

    @Override
    public Point apply(Point point) {
        ObjectNode next = point.payload() == null ? JsonNodeFactory.instance.objectNode() : point.payload().deepCopy();
        keys.forEach(key -> PayloadPaths.remove(next, key));
        return new Point(point.id(), point.vectors(), next);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ArrayNode array = body.putArray("keys");
        keys.forEach(key -> array.add(key.toString()));
        selector.writeTo(body);
        return body;
    }
}
