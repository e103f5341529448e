package dev.sextant.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Builders of protocol v1 messages (see {@code docs/protocol.md}); bodies are Qdrant's REST bodies. */
public final class Messages {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Messages() {}

    public static ObjectMapper json() {
        return JSON;
    }

    /** {@code {"op":"create_collection","collection":…,"body":{"vectors":{"size":…,"distance":…}}}}. */
    public static ObjectNode createCollection(String collection, int size, String distance) {
        ObjectNode op = op("create_collection", collection);
        ObjectNode vectors = op.putObject("body").putObject("vectors");
        vectors.put("size", size);
        vectors.put("distance", distance);
        return op;
    }

    /** {@code {"op":"delete_collection","collection":…}}. */
    public static ObjectNode deleteCollection(String collection) {
        return op("delete_collection", collection);
    }

    /** {@code {"op":"upsert","collection":…,"body":{"points":[…]}}}. */
    public static ObjectNode upsert(String collection, List<? extends JsonNode> points) {
        ObjectNode op = op("upsert", collection);
        ArrayNode array = op.putObject("body").putArray("points");
        array.addAll(points);
        return op;
    }

    /** {@code {"op":"query","collection":…,"body":…}}: {@code body} is a Qdrant /points/query body. */
    public static ObjectNode query(String collection, ObjectNode body) {
        ObjectNode request = JSON.createObjectNode();
        request.put("op", "query");
        request.put("collection", collection);
        request.set("body", body);
        return request;
    }

    /** {@code {"op":"query_batch","collection":…,"body":{"searches":[…]}}}. */
    public static ObjectNode queryBatch(String collection, List<ObjectNode> searches) {
        ObjectNode request = JSON.createObjectNode();
        request.put("op", "query_batch");
        request.put("collection", collection);
        request.putObject("body").putArray("searches").addAll(searches);
        return request;
    }

    private static ObjectNode op(String op, String collection) {
        ObjectNode node = JSON.createObjectNode();
        node.put("op", op);
        node.put("collection", collection);
        return node;
    }
}
