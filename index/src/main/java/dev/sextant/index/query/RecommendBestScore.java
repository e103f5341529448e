package dev.sextant.index.query;

import java.util.ArrayList;
import java.util.List;

/**
 * Recommend with {@code best_score} (conformance README §2.3, Qdrant's {@code reco_query.rs}):
 * {@code scaled_fast_sigmoid(max_pos)} when {@code max_pos > max_neg} strictly, otherwise
 * {@code −scaled_fast_sigmoid(max_neg)}; a missing side counts as −∞. A tie takes the negative branch.
 *
 * @param positives positive example vectors (may be empty)
 * @param negatives negative example vectors (may be empty, not both)
 */
public record RecommendBestScore(List<float[]> positives, List<float[]> negatives) implements Query {
    public RecommendBestScore {
        positives = List.copyOf(positives);
        negatives = List.copyOf(negatives);
    }

    @Override
    public float score(Similarity similarity) {
        float maxPos = max(positives, similarity);
        float maxNeg = max(negatives, similarity);
        if (maxPos > maxNeg) {
            return Sigmoids.scaledFastSigmoid(maxPos);
        }
        return -Sigmoids.scaledFastSigmoid(maxNeg);
    }

    private static float max(List<float[]> examples, Similarity similarity) {
        float max = Float.NEGATIVE_INFINITY;
        for (float[] e : examples) {
            max = Math.max(max, similarity.to(e));
        }
        return max;
    }

    @Override
    public List<float[]> vectors() {
        List<float[]> all = new ArrayList<>(positives);
        all.addAll(negatives);
        return all;
    }
}
