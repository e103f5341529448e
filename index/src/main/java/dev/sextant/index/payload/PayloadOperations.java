package dev.sextant.index.payload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sextant.index.PointId;
import dev.sextant.index.QdrantException;
import java.util.List;

/**
 * Parses the bodies of Qdrant's payload operations and of a delete, with Qdrant's errors. Stateless.
 *
 * <p>Bodies: {@code set_payload} and {@code overwrite_payload} {@code {"payload": {..}, "points": [ids] |
 * "filter": {..}, "key"?: "path"}}; {@code delete_payload} {@code {"keys": [paths], "points" | "filter"}};
 * {@code clear_payload} and {@code delete} {@code {"points": [ids]}} or {@code {"filter": {..}}}. Unknown
 * fields are ignored, as Qdrant does; {@code shard_key} is refused (no shards here).
 */
public final class PayloadOperations {
    /** The operation names {@link #parse} accepts. */
    public static final List<String> NAMES =
            List.of(SetPayload.NAME, OverwritePayload.NAME, DeletePayload.NAME, ClearPayload.NAME);

    static final ObjectMapper MAPPER = new ObjectMapper();

    private PayloadOperations() {}

    /**
     * Parses the body of the payload operation {@code name} (one of {@link #NAMES}).
     *
     * @throws QdrantException the errors of the operation's {@code fromJson}; 400 for an unknown name
     */
    public static PayloadOperation parse(String name, JsonNode body) {
        return switch (name) {
            case SetPayload.NAME -> SetPayload.fromJson(body);
            case OverwritePayload.NAME -> OverwritePayload.fromJson(body);
            case DeletePayload.NAME -> DeletePayload.fromJson(body);
            case ClearPayload.NAME -> ClearPayload.fromJson(body);
            default -> throw QdrantException.badRequest("Bad request: unknown payload operation `" + name
                    + "`, expected one of " + NAMES);
        };
    }

    /**
     * The selector of a delete body ({@code POST /collections/{c}/points/delete}): {@code {"points": [ids]}}
     * or {@code {"filter": {..}}}. Deleting an id that names no point is not an error (Qdrant).
     *
     * @throws QdrantException the errors of {@link PointSelector#fromJson}
     */
    public static PointSelector deletePoints(JsonNode body) {
        return PointSelector.fromJson(body);
    }

    /**
     * Qdrant's error for a listed id that names no stored point, in {@code set_payload},
     * {@code overwrite_payload}, {@code delete_payload} and {@code clear_payload}: 404 "No point with id ID
     * found" (Qdrant applies the operation to the ids before it, in batches of 32, so its failure is partial;
     * a caller that validates all ids first fails the whole operation).
     */
    public static QdrantException pointNotFound(PointId id) {
        return new QdrantException(404, "No point with id " + id + " found");
    }

    static void requireObject(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw format("expected an object, got " + (body == null || body.isMissingNode() ? "nothing" : abbreviate(body)));
        }
    }

    /** The {@code payload} field: a private copy of the object. */
    static ObjectNode payloadOf(JsonNode body) {
        JsonNode payload = body.get("payload");
        if (!present(payload)) {
            throw format("missing field `payload`");
        }
        if (!payload.isObject()) {
            throw format("payload: expected an object, got " + abbreviate(payload));
        }
        return ((ObjectNode) payload).deepCopy();
    }

    static boolean present(JsonNode node) {
        return node != null && !node.isNull() && !node.isMissingNode();
    }

    static QdrantException format(String why) {
        return QdrantException.badRequest("Format error in JSON body: " + why);
    }

    private static String abbreviate(JsonNode n) {
        String s = n.toString();
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}
