package dev.sextant.index.query;

import java.util.ArrayList;
import java.util.List;

/**
 * Recommend with {@code sum_scores} (conformance README §2.4): {@code Σ sim(p, x) − Σ sim(n, x)} on the
 * raw internal similarities, no sigmoid.
 *
 * @param positives positive example vectors (may be empty)
 * @param negatives negative example vectors (may be empty, not both)
 */
public record RecommendSumScores(List<float[]> positives, List<float[]> negatives) implements Query {
    public RecommendSumScores {
        positives = List.copyOf(positives);
        negatives = List.copyOf(negatives);
    }

    @Override
    public float score(Similarity similarity) {
        float pos = 0f;
        for (float[] p : positives) {
            pos += similarity.to(p);
        }
        float neg = 0f;
        for (float[] n : negatives) {
            neg += similarity.to(n);
        }
        return pos - neg;
    }

    @Override
    public List<float[]> vectors() {
        List<float[]> all = new ArrayList<>(positives);
        all.addAll(negatives);
        return all;
    }
}
