package dev.sextant.bench;

import dev.sextant.index.Distance;
import java.util.function.IntPredicate;

/**
 * Exact nearest-neighbour search by scanning every vector with the index's own kernel
 * ({@link Distance#similarity}), one query at a time on the calling thread: the reference for recall and the
 * "brute force" row of the comparison.
 */
public final class BruteForce {
    private final Distance distance;
    private final float[][] vectors;

    /** @param vectors the indexed vectors, preprocessed for {@code distance}; shared, not copied */
    public BruteForce(Distance distance, float[][] vectors) {
        this.distance = distance;
        this.vectors = vectors;
    }

    /**
     * The {@code k} most similar vectors among those {@code accept} admits, best first, ties by position
     * (= by point id, decision D4).
     *
     * @return positions into the vectors; fewer than {@code k} when fewer are admitted
     */
    public int[] search(float[] query, int k, IntPredicate accept) {
        // a bounded sorted array: k is small, so insertion beats a heap and allocates nothing per vector
        int[] best = new int[k];
        float[] scores = new float[k];
        int size = 0;
        for (int i = 0; i < vectors.length; i++) {
            if (!accept.test(i)) {
                continue;
            }
            float s = distance.similarity(query, vectors[i]);
            if (size == k && s <= scores[k - 1]) {
                continue; // a tie with the k-th keeps the earlier position
            }
            int at = size == k ? k - 1 : size++;
            while (at > 0 && scores[at - 1] < s) {
                best[at] = best[at - 1];
                scores[at] = scores[at - 1];
                at--;
            }
            best[at] = i;
            scores[at] = s;
        }
        if (size == k) {
            return best;
        }
        int[] out = new int[size];
        System.arraycopy(best, 0, out, 0, size);
        return out;
    }

    /** Similarity of the query to the vector at {@code position}. */
    public float similarity(float[] query, int position) {
        return distance.similarity(query, vectors[position]);
    }
}
