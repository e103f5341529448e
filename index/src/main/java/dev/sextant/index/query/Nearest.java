package dev.sextant.index.query;

import java.util.List;

/**
 * A plain search with one vector: nearest, nearest by id, and {@code average_vector} after averaging
 * (conformance README §2.1–2.2). The score is the internal similarity; the shown score is the metric's.
 *
 * @param vector the query vector, normalised already on a Cosine space
 */
public record Nearest(float[] vector) implements Query {
    @Override
    public float score(Similarity similarity) {
        return similarity.to(vector);
    }

    @Override
    public List<float[]> vectors() {
        return List.of(vector);
    }
}
