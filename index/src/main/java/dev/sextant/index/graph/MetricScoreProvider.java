package dev.sextant.index.graph;

import dev.sextant.index.Distance;
import io.github.jbellis.jvector.graph.similarity.BuildScoreProvider;
import io.github.jbellis.jvector.graph.similarity.DefaultSearchScoreProvider;
import io.github.jbellis.jvector.graph.similarity.ScoreFunction;
import io.github.jbellis.jvector.graph.similarity.SearchScoreProvider;
import io.github.jbellis.jvector.vector.VectorUtil;
import io.github.jbellis.jvector.vector.types.VectorFloat;

/**
 * Scores for jvector, for building and for searching alike, derived from a space's {@link Distance}.
 *
 * <p>jvector never returns a node whose score is below the search threshold (0), and its upper-layer search
 * misbehaves when every score is negative (jvector.md §2), while our similarities (conformance README §2)
 * are negative for Euclid and Manhattan and can be for Dot. So the graph ranks by a <em>positive, strictly
 * increasing</em> function of the similarity s ({@link #graphScore}):
 * <ul>
 * <li>Cosine (stored vectors are normalised, s ∈ [−1, 1]): (1 + s) / 2, jvector's own {@code DOT_PRODUCT}
 *     score, so the Vamana diversity rule (alpha) behaves as jvector tunes it;</li>
 * <li>Euclid (s = −d²): 1 / (1 − s) = 1 / (1 + d²), jvector's own {@code EUCLIDEAN} score;</li>
 * <li>Manhattan (s = −L1): 1 / (1 + L1), the same shape (jvector has no L1);</li>
 * <li>Dot (s unbounded): 1 + s for s ≥ 0 and 1 / (1 − s) below, continuous at 1 and positive everywhere.</li>
 * </ul>
 * Build and search use the same function, so they agree on the order. Because it is monotone, the graph's
 * top candidates are the similarity's top candidates; the caller still rescores them exactly with
 * {@link Distance#similarity} (the kernels here may differ from it in the last bits).
 *
 * <p>Dot products and squared L2 distances go through jvector's {@link VectorUtil} (SIMD with the Panama
 * provider, an unrolled scalar loop otherwise); L1 is a scalar loop. Thread-safe: it only reads the store.
 */
public final class MetricScoreProvider implements BuildScoreProvider {
    private final Distance distance;
    private final VectorStore vectors;

    public MetricScoreProvider(Distance distance, VectorStore vectors) {
        this.distance = distance;
        this.vectors = vectors;
    }

    /** The positive, strictly increasing graph score of an internal similarity (see the class comment). */
    public static float graphScore(Distance distance, float similarity) {
        if (distance == Distance.COSINE) {
            return Math.max(0f, (1f + similarity) * 0.5f);
        }
        return similarity >= 0f ? 1f + similarity : 1f / (1f - similarity);
    }

    /** The graph score of a query against the stored vectors, for searches. */
    public ScoreFunction.ExactScoreFunction scoreFunction(float[] query) {
        return new QueryScore(query, Vectorization.types().createFloatVector(query));
    }

    @Override
    public boolean isExact() {
        return true;
    }

    @Override
    public VectorFloat<?> approximateCentroid() {
        // unused by jvector 4.0.0-rc.9, implemented for completeness: the mean of the stored vectors
        VectorFloat<?> centroid = Vectorization.types().createFloatVector(vectors.dimension());
        int n = 0;
        for (int ord = 0; ord < vectors.size(); ord++) {
            VectorFloat<?> v = vectors.getVector(ord);
            if (v != null) {
                VectorUtil.addInPlace(centroid, v);
                n++;
            }
        }
        if (n > 0) {
            VectorUtil.scale(centroid, 1f / n);
        }
        return centroid;
    }

    @Override
    public SearchScoreProvider searchProviderFor(VectorFloat<?> vector) {
        return new DefaultSearchScoreProvider(new QueryScore(arrayOf(vector), vector));
    }

    @Override
    public SearchScoreProvider searchProviderFor(int node) {
        return new DefaultSearchScoreProvider(nodeScore(node));
    }

    @Override
    public SearchScoreProvider diversityProviderFor(int node) {
        return new DefaultSearchScoreProvider(nodeScore(node));
    }

    @Override
    public ScoreFunction diversityScoreFunctionFor(int node) {
        return nodeScore(node);
    }

    private QueryScore nodeScore(int node) {
        return new QueryScore(vectors.array(node), vectors.getVector(node));
    }

    private static float[] arrayOf(VectorFloat<?> vector) {
        Object data = vector.get();
        if (data instanceof float[]) {
            return (float[]) data;
        }
        float[] copy = new float[vector.length()];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = vector.get(i);
        }
        return copy;
    }

    /** Scores one fixed vector (a query or a node being linked) against stored nodes. */
    private final class QueryScore implements ScoreFunction.ExactScoreFunction {
        private final float[] array;
        private final VectorFloat<?> vector;

        QueryScore(float[] array, VectorFloat<?> vector) {
            this.array = array;
            this.vector = vector;
        }

        @Override
        public float similarityTo(int node) {
            return graphScore(distance, similarity(node));
        }

        private float similarity(int node) {
            switch (distance) {
                case COSINE:
                case DOT:
                    return VectorUtil.dotProduct(vector, vectors.getVector(node));
                case EUCLID:
                    return -VectorUtil.squareL2Distance(vector, vectors.getVector(node));
                default:
                    return -l1(array, vectors.array(node));
            }
        }
    }

    static float l1(float[] a, float[] b) {
        // four accumulators break the dependency chain of a single running sum
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 3 < a.length; i += 4) {
            s0 += Math.abs(a[i] - b[i]);
            s1 += Math.abs(a[i + 1] - b[i + 1]);
            s2 += Math.abs(a[i + 2] - b[i + 2]);
            s3 += Math.abs(a[i + 3] - b[i + 3]);
        }
        for (; i < a.length; i++) {
            s0 += Math.abs(a[i] - b[i]);
        }
        return (s0 + s1) + (s2 + s3);
    }
}
