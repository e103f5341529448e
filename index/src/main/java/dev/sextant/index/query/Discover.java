package dev.sextant.index.query;

import java.util.ArrayList;
import java.util.List;

/**
 * Discover (conformance README §2.5): {@code rank(x) + scaled_fast_sigmoid(sim(target, x))}, where
 * {@code rank} sums {@link ContextPair#rank} over the pairs. So {@code floor(score)} is the rank and a
 * higher rank always wins.
 *
 * @param target the target vector
 * @param pairs the context pairs (may be empty: then the score is the target's sigmoid alone)
 */
public record Discover(float[] target, List<ContextPair> pairs) implements Query {
    public Discover {
        pairs = List.copyOf(pairs);
    }

    /** The sum of the pairs' ranks, in {@code [−pairs, pairs]}. */
    public int rank(Similarity similarity) {
        int rank = 0;
        for (ContextPair p : pairs) {
            rank += p.rank(similarity);
        }
        return rank;
    }

    @Override
    public float score(Similarity similarity) {
        return rank(similarity) + Sigmoids.scaledFastSigmoid(similarity.to(target));
    }

    @Override
    public List<float[]> vectors() {
        List<float[]> all = new ArrayList<>();
        all.add(target);
        pairs.forEach(p -> {
            all.add(p.positive());
            all.add(p.negative());
        });
        return all;
    }
}
