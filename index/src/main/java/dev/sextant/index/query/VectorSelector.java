package dev.sextant.index.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.sextant.index.Points;
import dev.sextant.index.QdrantException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Qdrant's {@code with_vector} / {@code with_vectors} (conformance README §3.2): {@code false} / absent
 * (no vector), {@code true} (the unnamed vector as a list, or in a named-vector collection an object of
 * all the point's vectors), or a list of names (an object of those the point has). Immutable.
 *
 * @param all return every vector
 * @param names the names to return when {@code all} is false; empty = no vector
 */
public record VectorSelector(boolean all, List<String> names) {
    /** No vector. */
    public static final VectorSelector NONE = new VectorSelector(false, List.of());
    /** All vectors. */
    public static final VectorSelector ALL = new VectorSelector(true, List.of());

    public VectorSelector {
        names = List.copyOf(names);
    }

    /**
     * Parses a {@code with_vector} value ({@code null} = absent = NONE).
     *
     * @throws QdrantException 400 for any other shape
     */
    public static VectorSelector parse(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            return NONE;
        }
        if (node.isBoolean()) {
            return node.booleanValue() ? ALL : NONE;
        }
        if (node.isArray()) {
            List<String> names = new ArrayList<>();
            for (JsonNode n : node) {
                if (!n.isTextual()) {
                    throw QdrantException.badRequest("Format error in JSON body: " + where + ": expected a vector name, got " + n);
                }
                names.add(n.textValue());
            }
            return new VectorSelector(false, names);
        }
        throw QdrantException.badRequest("Format error in JSON body: " + where
                + ": expected true, false or a list of vector names, got " + node);
    }

    /** True when no vector is returned. */
    public boolean none() {
        return !all && names.isEmpty();
    }

    /**
     * The vectors to return for a point: {@code null} for none; the unnamed vector as a list in an
     * unnamed collection; otherwise an object of the selected vectors the point has.
     *
     * @param vectors the point's stored vectors by name
     * @param named whether the collection uses named vectors
     */
    public JsonNode select(Map<String, float[]> vectors, boolean named) {
        if (none()) {
            return null;
        }
        if (!named) {
            float[] v = vectors.get(dev.sextant.index.CollectionConfig.UNNAMED);
            return v == null ? JsonNodeFactory.instance.nullNode() : Points.vectorJson(v);
        }
        return Points.vectorsJson(vectors, all ? null : names);
    }

    /** The selector in request form (round trip of {@link #parse}). */
    public JsonNode toJson() {
        if (!all && !names.isEmpty()) {
            ArrayNode a = JsonNodeFactory.instance.arrayNode();
            names.forEach(a::add);
            return a;
        }
        return JsonNodeFactory.instance.booleanNode(all);
    }
}
