package dev.sextant.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The vector spaces of a collection: Qdrant's {@code vectors} parameter of create-collection.
 *
 * <p>Either one unnamed space, {@code {"size": 384, "distance": "Cosine"}}, stored under the name
 * {@link #UNNAMED} (""), or several named spaces {@code {"image": {...}, "text": {...}}}.
 * Immutable.
 */
public final class CollectionConfig {
    /** The name under which the unnamed (default) vector is kept. */
    public static final String UNNAMED = "";

    /** Qdrant's largest dense vector dimension (its {@code VectorParams.size} is validated to 1..=65536). */
    public static final int MAX_DIMENSION = 65_536;

    /** Job option that sets the largest dimension, named in the error. */
    public static final String MAX_DIMENSION_OPTION = "sextant.collection.max-dimension";

    private final Map<String, VectorParams> vectors;
    private final boolean named;

    public CollectionConfig(Map<String, VectorParams> vectors, boolean named) {
        this.vectors = Collections.unmodifiableMap(new LinkedHashMap<>(vectors));
        this.named = named;
    }

    public static CollectionConfig single(int size, Distance distance) {
        return new CollectionConfig(Map.of(UNNAMED, new VectorParams(size, distance)), false);
    }

    /**
     * Parses a create-collection body ({@code {"vectors": ...}}) or the bare {@code vectors} object, with no
     * bound on the dimension: for configs that were accepted before (stored entries). A new collection is
     * checked with {@link #fromJson(JsonNode, int)}.
     *
     * @throws QdrantException 400/422 when the shape, a size or a distance is wrong, or there is no vector
     */
    public static CollectionConfig fromJson(JsonNode node) {
        return parse(node);
    }

    /**
     * Parses a create-collection body ({@code {"vectors": ...}}) or the bare {@code vectors} object.
     *
     * @param maxDimension the largest {@code size} accepted for any vector
     * @throws QdrantException 400/422 when the shape, a size or a distance is wrong, or there is no vector; 422
     *     "Validation error in JSON body: vectors.size: value N invalid, must be M or smaller
     *     (sextant.collection.max-dimension)"
     */
    public static CollectionConfig fromJson(JsonNode node, int maxDimension) {
        CollectionConfig config = parse(node);
        config.vectors.forEach((name, p) -> {
            if (p.size() > maxDimension) {
                throw QdrantException.validation((name.isEmpty() ? "vectors" : "vectors." + name) + ".size: value "
                        + p.size() + " invalid, must be " + maxDimension + " or smaller (" + MAX_DIMENSION_OPTION + ")");
            }
        });
        return config;
    }

    private static CollectionConfig parse(JsonNode node) {
        if (node != null && node.isObject() && node.has("vectors")) {
            node = node.get("vectors");
        }
        if (node == null || !node.isObject()) {
            throw QdrantException.badRequest("Format error in JSON body: missing field `vectors`");
        }
        if (node.has("size") || node.has("distance")) {
            return new CollectionConfig(Map.of(UNNAMED, params(node, "vectors")), false);
        }
        Map<String, VectorParams> named = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            named.put(e.getKey(), params(e.getValue(), "vectors." + e.getKey()));
        }
        if (named.isEmpty()) {
            // Qdrant accepts a collection without dense vectors (for sparse ones); Sextant has nothing to search there.
            throw QdrantException.badRequest("Bad request: a collection needs at least one dense vector in `vectors`"
                    + " (sparse vectors are not supported)");
        }
        return new CollectionConfig(named, true);
    }

    private static VectorParams params(JsonNode p, String where) {
        if (!p.isObject() || !p.path("size").isIntegralNumber() || !p.path("distance").isTextual()) {
            throw QdrantException.badRequest(
                    "Format error in JSON body: " + where + " must be {\"size\": <int>, \"distance\": <name>}");
        }
        if (!p.get("size").canConvertToInt()) {
            throw QdrantException.validation(where + ".size: value " + p.get("size") + " invalid");
        }
        return new VectorParams(p.get("size").intValue(), Distance.fromQdrant(p.get("distance").textValue()));
    }

    /** The {@code vectors} JSON, as Qdrant accepts it. */
    public JsonNode toJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (!named) {
            VectorParams p = vectors.get(UNNAMED);
            return f.objectNode().put("size", p.size()).put("distance", p.distance().qdrantName());
        }
        ObjectNode o = f.objectNode();
        vectors.forEach((k, p) -> o.set(k, f.objectNode().put("size", p.size()).put("distance", p.distance().qdrantName())));
        return o;
    }

    /** Vector spaces by name; the unnamed one is under {@link #UNNAMED}. */
    public Map<String, VectorParams> vectors() {
        return vectors;
    }

    /** True for a named-vector collection. */
    public boolean named() {
        return named;
    }

    /**
     * The space a request's {@code using} selects ({@code null} or absent = the unnamed vector).
     *
     * @throws QdrantException 400 "Not existing vector name error: NAME" when there is no such space
     */
    public VectorParams params(String using) {
        String name = using == null ? UNNAMED : using;
        VectorParams p = vectors.get(name);
        if (p == null) {
            throw QdrantException.badRequest("Wrong input: Not existing vector name error: " + name);
        }
        return p;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CollectionConfig c && c.named == named && c.vectors.equals(vectors);
    }

    @Override
    public int hashCode() {
        return vectors.hashCode() * 31 + (named ? 1 : 0);
    }

    @Override
    public String toString() {
        return toJson().toString();
    }
}
