package dev.sextant.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Validation of upsert points and rendering of vectors, in the shapes of Qdrant's REST API.
 *
 * <p>A point is {@code {"id": <unsigned int | UUID>, "vector": [..] | {"name": [..], ...}, "payload": {..} | null}}.
 * Every check is Qdrant's: the id form, vector names, dimensions, finiteness, the payload's type. Cosine
 * vectors are normalised on the way in (conformance README §2, "Cosine normalisation"), so the stored
 * vector is the one {@code with_vector} returns.
 */
public final class Points {
    private Points() {}

    /**
     * Validates and normalises one point of an upsert body.
     *
     * @param config the collection's vector spaces
     * @param point one element of {@code "points"}
     * @return the point as stored: vectors preprocessed for their metric, the payload a private copy
     *     ({@code null} when absent or null)
     * @throws QdrantException 400 for a bad id, an unknown vector name ("Wrong input: Not existing vector
     *     name error: NAME"), a wrong dimension ("Wrong input: Vector dimension error: expected dim: N,
     *     got M"), a non-finite component, a sparse or multi-vector, or a payload that is not an object
     */
    public static Point fromJson(CollectionConfig config, JsonNode point) {
        if (point == null || !point.isObject()) {
            throw format("a point must be an object, got " + shape(point));
        }
        PointId id = PointId.fromJson(point.get("id"));
        JsonNode vector = point.has("vector") ? point.get("vector") : point.get("vectors");
        if (vector == null || vector.isNull()) {
            throw format("point " + id + ": missing field `vector`");
        }
        Map<String, float[]> vectors = new LinkedHashMap<>();
        if (vector.isArray()) {
            vectors.put(CollectionConfig.UNNAMED, vector(config, CollectionConfig.UNNAMED, vector, id));
        } else if (vector.isObject() && !isSparse(vector)) {
            for (Iterator<Map.Entry<String, JsonNode>> it = vector.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                vectors.put(e.getKey(), vector(config, e.getKey(), e.getValue(), id));
            }
        } else {
            throw format("point " + id + ": `vector` must be a list of numbers or an object of named vectors"
                    + (isSparse(vector) ? "; sparse vectors are not supported" : ", got " + shape(vector)));
        }
        if (!config.named() && !vectors.containsKey(CollectionConfig.UNNAMED)) {
            throw QdrantException.badRequest("Wrong input: point " + id + " has no vector; the collection's unnamed vector is required");
        }
        JsonNode payload = point.get("payload");
        if (payload != null && !payload.isNull() && !payload.isObject()) {
            throw format("point " + id + ": `payload` must be an object, got " + shape(payload));
        }
        ObjectNode p = payload == null || payload.isNull() ? null : ((ObjectNode) payload).deepCopy();
        return new Point(id, java.util.Collections.unmodifiableMap(vectors), p);
    }

    private static boolean isSparse(JsonNode v) {
        return v.isObject() && v.has("indices") && v.has("values");
    }

    private static float[] vector(CollectionConfig config, String name, JsonNode node, PointId id) {
        VectorParams params = config.vectors().get(name);
        if (params == null) {
            throw QdrantException.badRequest("Wrong input: Not existing vector name error: " + name);
        }
        float[] v = parseVector(node, "point " + id + (name.isEmpty() ? "" : " vector \"" + name + "\""));
        if (v.length != params.size()) {
            throw dimensionError(params.size(), v.length);
        }
        return params.distance().preprocess(v);
    }

    /**
     * Parses a dense vector: a non-empty list of finite numbers (each rounded to float32 as Qdrant does).
     *
     * @param where the JSON location for messages
     * @throws QdrantException 400 for another shape (including multi-vectors) or a non-finite component
     */
    public static float[] parseVector(JsonNode node, String where) {
        if (node == null || !node.isArray()) {
            throw format(where + ": expected a list of numbers, got " + shape(node));
        }
        if (node.isEmpty()) {
            throw format(where + ": a vector must not be empty");
        }
        float[] v = new float[node.size()];
        for (int i = 0; i < v.length; i++) {
            JsonNode x = node.get(i);
            if (!x.isNumber()) {
                throw format(where + ": expected a number at index " + i + ", got " + shape(x)
                        + (x.isArray() ? " (multi-vectors are not supported)" : ""));
            }
            float f = (float) x.doubleValue();
            if (!Float.isFinite(f)) {
                throw format(where + ": component " + i + " (" + x + ") is not a finite float32 number");
            }
            v[i] = f;
        }
        return v;
    }

    /** Qdrant's dimension error: 400 "Wrong input: Vector dimension error: expected dim: N, got M". */
    public static QdrantException dimensionError(int expected, int got) {
        return QdrantException.badRequest("Wrong input: Vector dimension error: expected dim: " + expected + ", got " + got);
    }

    /** A vector as a JSON list of float32 numbers (each written in its shortest exact decimal form). */
    public static ArrayNode vectorJson(float[] v) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode(v.length);
        for (float x : v) {
            a.add(x);
        }
        return a;
    }

    /**
     * Named vectors as a JSON object, in the map's order.
     *
     * @param names the names to include, or {@code null} for all; names the point lacks are left out
     */
    public static ObjectNode vectorsJson(Map<String, float[]> vectors, Collection<String> names) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        vectors.forEach((name, v) -> {
            if (names == null || names.contains(name)) {
                o.set(name, vectorJson(v));
            }
        });
        return o;
    }

    /** The point in upsert form, readable by {@link #fromJson} (vectors as stored). */
    public static ObjectNode toJson(Point point, boolean named) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.set("id", point.id().toJson());
        if (named) {
            o.set("vector", vectorsJson(point.vectors(), null));
        } else {
            o.set("vector", vectorJson(point.vectors().get(CollectionConfig.UNNAMED)));
        }
        if (point.payload() != null) {
            o.set("payload", point.payload().deepCopy());
        }
        return o;
    }

    private static QdrantException format(String why) {
        return QdrantException.badRequest("Format error in JSON body: " + why);
    }

    private static String shape(JsonNode n) {
        if (n == null || n.isMissingNode()) {
            return "nothing";
        }
        String s = n.toString();
        return (n.isArray() ? "list " : n.isObject() ? "object " : n.isTextual() ? "string " : "") + (s.length() > 60 ? s.substring(0, 57) + "..." : s);
    }
}
