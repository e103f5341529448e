package dev.sextant.index.query;

/**
 * A resolved context pair of discover and context queries.
 *
 * @param positive the positive example vector
 * @param negative the negative example vector
 */
public record ContextPair(float[] positive, float[] negative) {
    /** Qdrant's f32::EPSILON, subtracted from a context pair's difference (README §2.6). */
    public static final float EPSILON = 1.1920929e-7f;

    /**
     * Discover's rank term: {@code +1} when {@code sim(pos) ≥ sim(neg)}, else {@code −1}. The tie gives
     * {@code +1} (decision D2, Qdrant's documentation; the v1.19 server gives 0).
     */
    public int rank(Similarity similarity) {
        return similarity.to(positive) >= similarity.to(negative) ? 1 : -1;
    }

    /**
     * Context's loss term: {@code fast_sigmoid(min(sim(pos) − sim(neg) − ε, 0))}, in (−1, 0]
     * (README §2.6, Qdrant's {@code context_query.rs}).
     */
    public float loss(Similarity similarity) {
        float difference = similarity.to(positive) - similarity.to(negative) - EPSILON;
        return Sigmoids.fastSigmoid(Math.min(difference, 0.0f));
    }
}
