package dev.sextant.index;

/**
 * One dense vector space of a collection: its dimension and metric (Qdrant's {@code VectorParams}).
 *
 * @param size the dimension, ≥ 1
 * @param distance the metric
 */
public record VectorParams(int size, Distance distance) {
    public VectorParams {
        if (size < 1) {
            throw QdrantException.validation("vectors.size: value " + size + " invalid, must be 1 or larger");
        }
        if (distance == null) {
            throw QdrantException.badRequest("Format error in JSON body: missing field `distance`");
        }
    }
}
