package dev.sextant.job.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sextant.index.QdrantException;
import dev.sextant.job.protocol.Json;
import java.io.IOException;
import java.util.regex.Pattern;

/**
 * The wire format of the requests topic: one JSON object per message,
 * {@code {"request_id": "r1", "op": "query" | "query_batch", "collection": "c", "body": {...}, "reply_to": "t"}}.
 *
 * <p>Read in steps so that as much as possible of a bad request is still usable for its error response: first
 * the JSON ({@link #readRoot}), then where to answer ({@link #requestId}, {@link #replyTo}), then the rest
 * ({@link #envelope}). Unknown fields are ignored.
 */
public final class RequestSchema {
    private RequestSchema() {}

    public static final String QUERY = "query";
    public static final String QUERY_BATCH = "query_batch";

    /** Longest usable request id; a longer one is replaced by the generated id. */
    public static final int MAX_REQUEST_ID_CHARS = 1024;

    /** Kafka's rule for topic names. */
    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    /** A readable request; {@code batch} is true for {@code query_batch}. */
    public record Request(boolean batch, String collection, JsonNode body) {}

    /**
     * Parses the message.
     *
     * @throws QdrantException 400 when it is not a JSON object
     */
    public static JsonNode readRoot(byte[] value) {
        if (value == null || value.length == 0) {
            throw QdrantException.badRequest("Format error in JSON body: empty message");
        }
        JsonNode root;
        try {
            root = Json.read(value);
        } catch (IOException e) {
            throw QdrantException.badRequest("Format error in JSON body: " + Json.describe(e));
        }
        if (!root.isObject()) {
            throw QdrantException.badRequest("Format error in JSON body: expected a JSON object");
        }
        return root;
    }

    /**
     * The usable request id: a non-empty string of at most {@link #MAX_REQUEST_ID_CHARS} characters, or an
     * integer (as its decimal text). Null when there is none; the caller then uses the generated id.
     */
    public static String requestId(JsonNode root) {
        JsonNode id = root.get("request_id");
        if (id == null) {
            return null;
        }
        if (id.isTextual() && !id.textValue().isEmpty() && id.textValue().length() <= MAX_REQUEST_ID_CHARS) {
            return id.textValue();
        }
        return id.isIntegralNumber() ? id.asText() : null;
    }

    /**
     * The {@code reply_to} topic, or null when absent.
     *
     * @throws QdrantException 400 when it is not a legal Kafka topic name
     */
    public static String replyTo(JsonNode root) {
        JsonNode r = root.get("reply_to");
        if (r == null || r.isNull()) {
            return null;
        }
        if (!r.isTextual() || !TOPIC.matcher(r.textValue()).matches() || r.textValue().equals(".")
                || r.textValue().equals("..")) {
            throw QdrantException.badRequest("Format error in JSON body: reply_to must be a Kafka topic name"
                    + " (1 to 249 of a-z A-Z 0-9 . _ -), got " + abbreviate(r.toString()));
        }
        return r.textValue();
    }

    /**
     * The op, collection and body.
     *
     * @throws QdrantException 400 for a missing or unknown op, a missing collection or body; 422 for an invalid
     *     collection name
     */
    public static Request envelope(JsonNode root) {
        JsonNode op = root.get("op");
        if (op == null || op.isNull()) {
            throw QdrantException.badRequest("Format error in JSON body: missing field `op`");
        }
        boolean batch;
        if (op.isTextual() && op.textValue().equals(QUERY)) {
            batch = false;
        } else if (op.isTextual() && op.textValue().equals(QUERY_BATCH)) {
            batch = true;
        } else {
            throw QdrantException.badRequest("Format error in JSON body: unknown op " + abbreviate(op.toString())
                    + ", expected one of `query`, `query_batch`");
        }
        JsonNode collection = root.get("collection");
        if (collection == null || collection.isNull()) {
            throw QdrantException.badRequest("Format error in JSON body: missing field `collection`");
        }
        if (!collection.isTextual()) {
            throw QdrantException.badRequest("Format error in JSON body: `collection` must be a string");
        }
        CollectionNames.check(collection.textValue());
        JsonNode body = root.get("body");
        if (body == null || body.isNull()) {
            throw QdrantException.badRequest("Format error in JSON body: missing field `body`");
        }
        if (!body.isObject()) {
            throw QdrantException.badRequest("Format error in JSON body: `body` must be an object");
        }
        return new Request(batch, collection.textValue(), body);
    }

    static String abbreviate(String s) {
        return s.length() <= 100 ? s : s.substring(0, 100) + "…";
    }
}
