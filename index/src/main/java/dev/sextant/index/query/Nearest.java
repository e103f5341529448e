package dev.sextant.index.query;

import java.util.List;

/**
 * A plain search with one vector: nearest, nearest by id, and {@code average_vector} after averaging
 * (conformance README §2.1–2.2). The score is the internal similarity; the shown score is the metric's.
 *
 * @param vector the query vector, normalised already on a Cosine space
 * @param combination whether the vector is a combination of several examples (an {@code average_vector} of
 *     more than one example) rather than one example or raw vector. Scores never depend on it; the search
 *     plan gives such a vector, which usually lies off the data, a wider graph beam (design.md, "Recall")
 */
public record Nearest(float[] vector, boolean combination) implements Query {

    /** A search with one example or raw vector. */
    public Nearest(float[] vector) {
        this(vector, false);
    }

    @Override
    public float score(Similarity similarity) {
        return similarity.to(vector);
    }

    @Override
    public List<float[]> vectors() {
        return List.of(vector);
    }
}
