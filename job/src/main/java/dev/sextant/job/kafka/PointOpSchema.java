package dev.sextant.job.kafka;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sextant.index.QdrantException;
import dev.sextant.index.payload.ClearPayload;
import dev.sextant.index.payload.DeletePayload;
import dev.sextant.index.payload.OverwritePayload;
import dev.sextant.index.payload.SetPayload;
import dev.sextant.job.protocol.Json;
import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The wire format of the points topic: one JSON object per message,
 * {@code {"op": ..., "collection": ..., "body": {...}, "op_id": ...}} (see the protocol package doc).
 *
 * <p>Two readers: {@link #peek} reads only the envelope fields with a streaming parser and skips the body (the
 * router uses it on every message, so the bulky upsert bodies are not turned into trees twice), and
 * {@link #parse} reads the whole message. Unknown fields are ignored. Both throw {@link QdrantException} with
 * Qdrant's 400 "Format error in JSON body" wording for anything malformed.
 */
public final class PointOpSchema {
    private PointOpSchema() {}

    public static final String CREATE_COLLECTION = "create_collection";
    public static final String DELETE_COLLECTION = "delete_collection";
    public static final String UPSERT = "upsert";
    public static final String DELETE = "delete";
    public static final List<String> OPS = List.of(CREATE_COLLECTION, DELETE_COLLECTION, UPSERT, DELETE,
            SetPayload.NAME, OverwritePayload.NAME, DeletePayload.NAME, ClearPayload.NAME);

    /** The envelope of a point operation; {@code opId} may be null, the others are validated. */
    public record Header(String op, String collection, String opId) {}

    /** A whole point operation; {@code body} is null when the message has none. */
    public record PointOp(String op, String collection, String opId, JsonNode body) {}

    /**
     * Reads the envelope, skipping the body. Reports the {@code op_id} even when another field is wrong, via
     * {@link InvalidOperation}, so the error can still be acknowledged.
     *
     * @throws InvalidOperation when the message is not a JSON object or a field is missing or wrong
     */
    public static Header peek(byte[] value) {
        if (value == null || value.length == 0) {
            throw new InvalidOperation(null, QdrantException.badRequest("Format error in JSON body: empty message"));
        }
        String op = null, collection = null, opId = null;
        boolean hasOp = false, hasCollection = false;
        try (JsonParser p = Json.MAPPER.getFactory().createParser(value)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw malformed(null, "expected a JSON object");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    // A value of the wrong type is skipped whole, so the fields after it (op_id) are still read.
                    case "op" -> { hasOp = true; op = v == JsonToken.VALUE_STRING ? p.getText() : null; p.skipChildren(); }
                    case "collection" -> {
                        hasCollection = true;
                        collection = v == JsonToken.VALUE_STRING ? p.getText() : null;
                        p.skipChildren();
                    }
                    case "op_id" -> opId = scalarText(p, v);
                    default -> p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw malformed(opId, "trailing data after the JSON object");
            }
        } catch (InvalidOperation e) {
            throw e;
        } catch (IOException e) {
            throw malformed(opId, Json.describe(e));
        }
        return new Header(checkOp(op, hasOp, opId), checkCollection(collection, hasCollection, opId), opId);
    }

    /**
     * Reads the whole message.
     *
     * @throws InvalidOperation when the message is not a JSON object or a field is missing or wrong
     */
    public static PointOp parse(byte[] value) {
        JsonNode root;
        try {
            root = Json.read(value);
        } catch (IOException e) {
            throw malformed(null, Json.describe(e));
        }
        if (!root.isObject()) {
            throw malformed(null, "expected a JSON object");
        }
        JsonNode opIdNode = root.get("op_id");
        String opId = opIdNode == null || opIdNode.isNull() ? null
                : opIdNode.isTextual() || opIdNode.isIntegralNumber() ? opIdNode.asText() : null;
        if (opIdNode != null && !opIdNode.isNull() && opId == null) {
            throw new InvalidOperation(null, QdrantException.badRequest(
                    "Format error in JSON body: op_id must be a string, got " + opIdNode.getNodeType()));
        }
        JsonNode op = root.get("op");
        JsonNode collection = root.get("collection");
        JsonNode body = root.get("body");
        return new PointOp(
                checkOp(op != null && op.isTextual() ? op.textValue() : null, op != null, opId),
                checkCollection(collection != null && collection.isTextual() ? collection.textValue() : null,
                        collection != null, opId),
                opId,
                body == null || body.isNull() ? null : body);
    }

    private static String scalarText(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_STRING || v == JsonToken.VALUE_NUMBER_INT) {
            return p.getText();
        }
        if (v == JsonToken.VALUE_NULL) {
            return null;
        }
        p.skipChildren();
        throw new InvalidOperation(null, QdrantException.badRequest(
                "Format error in JSON body: op_id must be a string, got " + v));
    }

    private static String checkOp(String op, boolean present, String opId) {
        if (!present) {
            throw new InvalidOperation(opId, QdrantException.badRequest("Format error in JSON body: missing field `op`"));
        }
        if (op == null || !OPS.contains(op)) {
            throw new InvalidOperation(opId, QdrantException.badRequest("Format error in JSON body: unknown op "
                    + (op == null ? "(not a string)" : "`" + op + "`")
                    + ", expected one of " + OPS.stream().map(o -> "`" + o + "`").collect(Collectors.joining(", "))));
        }
        return op;
    }

    private static String checkCollection(String collection, boolean present, String opId) {
        if (!present) {
            throw new InvalidOperation(opId,
                    QdrantException.badRequest("Format error in JSON body: missing field `collection`"));
        }
        if (collection == null) {
            throw new InvalidOperation(opId,
                    QdrantException.badRequest("Format error in JSON body: `collection` must be a string"));
        }
        try {
            CollectionNames.check(collection);
        } catch (QdrantException e) {
            throw new InvalidOperation(opId, e);
        }
        return collection;
    }

    private static InvalidOperation malformed(String opId, String detail) {
        return new InvalidOperation(opId, QdrantException.badRequest("Format error in JSON body: " + detail));
    }

    /** A point operation that cannot be applied, with the {@code op_id} when it could be read. */
    public static final class InvalidOperation extends RuntimeException {
        private final String opId;
        private final QdrantException error;

        public InvalidOperation(String opId, QdrantException error) {
            super(error.getMessage(), null, false, false);
            this.opId = opId;
            this.error = error;
        }

        public String opId() {
            return opId;
        }

        public QdrantException error() {
            return error;
        }
    }
}
