package dev.sextant.index.query;

import java.util.ArrayList;
import java.util.List;

/**
 * Context (conformance README §2.6): {@code Σ loss} over the pairs ({@link ContextPair#loss}), always
 * ≤ 0; points on the positive side of every pair score exactly 0.
 *
 * @param pairs the context pairs, at least one
 */
public record Context(List<ContextPair> pairs) implements Query {
    public Context {
        pairs = List.copyOf(pairs);
    }

    @Override
    public float score(Similarity similarity) {
        float score = 0.0f;
        for (ContextPair p : pairs) {
            score += p.loss(similarity);
        }
        return score;
    }

    @Override
    public List<float[]> vectors() {
        List<float[]> all = new ArrayList<>();
        pairs.forEach(p -> {
            all.add(p.positive());
            all.add(p.negative());
        });
        return all;
    }
}
