package dev.sextant.index.graph;

import dev.sextant.index.Distance;
import io.github.jbellis.jvector.graph.similarity.BuildScoreProvider;
import io.github.jbellis.jvector.graph.similarity.DefaultSearchScoreProvider;
import io.github.jbellis.jvector.graph.similarity.ScoreFunction;
import io.github.jbellis.jvector.graph.similarity.SearchScoreProvider;
import io.github.jbellis.jvector.vector.VectorUtil;
import io.github.jbellis.jvector.vector.types.VectorFloat;

/**
 * Scores for jvector, for building and for searching, derived from a space's {@link Distance}.
 *
 * <p>jvector never returns a node whose score is below the search threshold (0), and its upper-layer search
 * misbehaves when every score is negative (upstream issue datastax/jvector#713), while our similarities
 * (conformance README §2) are negative for Euclid and Manhattan and can be for Dot. So the graph ranks by a
 * <em>positive, strictly increasing</em> function of the similarity s ({@link #graphScore}):
 * <ul>
 * <li>Cosine (stored vectors are normalised, s ∈ [−1, 1]): (1 + s) / 2, jvector's own {@code DOT_PRODUCT}
 *     score, so the Vamana diversity rule (alpha) behaves as jvector tunes it;</li>
 * <li>Euclid (s = −d²): 1 / (1 − s) = 1 / (1 + d²), jvector's own {@code EUCLIDEAN} score;</li>
 * <li>Manhattan (s = −L1): 1 / (1 + L1), the same shape (jvector has no L1);</li>
 * <li>Dot (s unbounded): 1 + s for s ≥ 0 and 1 / (1 − s) below, continuous at 1 and positive everywhere.</li>
 * </ul>
 * Because it is monotone, a search's top candidates are the similarity's top candidates; the caller still
 * rescores them with {@link Distance#similarity} (the same kernels, but the graph score above rounds the
 * similarity, and shown scores must not depend on the path that found a point).
 *
 * <p><b>Dot is not a metric</b>, and a graph linked by raw inner products is badly navigable: every node prefers
 * the longest vectors as neighbours, so short vectors get no in-edges and cannot be found by queries that
 * want them (a query pointing away from the data). The graph is therefore <em>built</em> in the standard
 * inner-product-to-Euclidean reduction (Bachrach et al., "Speeding up the Xbox recommender system using a
 * Euclidean transformation for inner-product spaces", RecSys 2014): each stored x gets an extra coordinate
 * a(x) = √(Φ² − ‖x‖²) with Φ ≥ every norm, which puts all of them on a sphere of radius Φ, and nodes are
 * linked by the augmented dot product x·y + a(x)a(y) (scored (1 + ·/Φ²)/2, like Cosine). A query gets the
 * extra coordinate 0, so its augmented L2 distance to x is ‖q‖² + Φ² − 2 q·x: ranking by q·x, as searches do,
 * is exactly nearest-neighbour search on that sphere. Φ is fixed when the graph is created (the owner picks it
 * with headroom); a vector longer than Φ gets a(x) = 0 and is counted as {@linkplain HnswGraph#clamped()
 * clamped} so the owner can rebuild with a larger Φ.
 *
 * <p>Dot products and squared L2 distances go through jvector's kernels as {@link Distance#similarity}'s do (SIMD
 * with the Panama provider, an unrolled scalar loop otherwise); L1 is {@link Distance#similarity}'s loop.
 * Thread-safe for reads: a repair may call it from jvector's pool threads while the owner waits.
 */
public final class MetricScoreProvider implements BuildScoreProvider {
    private final Distance distance;
    private final VectorStore vectors;
    private float phiSquared;

    /**
     * @param phiSquared Dot only: Φ², at least the squared norm of every vector to be linked (0 = not yet
     *     known: nodes are linked by raw inner products until {@link #phiSquared(float)} sets it)
     */
    public MetricScoreProvider(Distance distance, VectorStore vectors, float phiSquared) {
        this.distance = distance;
        this.vectors = vectors;
        this.phiSquared = phiSquared;
    }

    /** The positive, strictly increasing graph score of an internal similarity (see the class comment). */
    public static float graphScore(Distance distance, float similarity) {
        if (distance == Distance.COSINE) {
            return Math.max(0f, (1f + similarity) * 0.5f);
        }
        return similarity >= 0f ? 1f + similarity : 1f / (1f - similarity);
    }

    /** Dot only: Φ² of the sphere the graph is linked on (0 when not set). */
    public float phiSquared() {
        return phiSquared;
    }

    /** Sets Φ²; only while no edge exists yet (an empty graph). */
    void phiSquared(float value) {
        this.phiSquared = value;
    }

    /** The graph score of a query against the stored vectors, for searches (no augmentation, see above). */
    public ScoreFunction.ExactScoreFunction scoreFunction(float[] query) {
        return new Scorer(query, Vectorization.types().createFloatVector(query), false, 0f);
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

    /** Scores against a vector being linked into the graph (the builder's insert search). */
    @Override
    public SearchScoreProvider searchProviderFor(VectorFloat<?> vector) {
        float[] array = arrayOf(vector);
        return new DefaultSearchScoreProvider(
                new Scorer(array, vector, true, augment(VectorStore.squaredNorm(array))));
    }

    @Override
    public SearchScoreProvider searchProviderFor(int node) {
        return new DefaultSearchScoreProvider(nodeScorer(node));
    }

    @Override
    public SearchScoreProvider diversityProviderFor(int node) {
        return new DefaultSearchScoreProvider(nodeScorer(node));
    }

    @Override
    public ScoreFunction diversityScoreFunctionFor(int node) {
        return nodeScorer(node);
    }

    private Scorer nodeScorer(int node) {
        return new Scorer(vectors.array(node), vectors.getVector(node), true, augment(vectors.squaredNorm(node)));
    }

    /** a(x) = √(Φ² − ‖x‖²), 0 when x is longer than Φ. */
    private float augment(float squaredNorm) {
        return (float) Math.sqrt(Math.max(0f, phiSquared - squaredNorm));
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

    /**
     * Scores one fixed vector (a query, or a node being linked) against stored nodes. {@code linking} selects
     * the sphere geometry for Dot; {@code augment} is the fixed vector's extra coordinate then.
     */
    private final class Scorer implements ScoreFunction.ExactScoreFunction {
        private final float[] array;
        private final VectorFloat<?> vector;
        private final boolean onSphere;
        private final float augment;

        Scorer(float[] array, VectorFloat<?> vector, boolean linking, float augment) {
            this.array = array;
            this.vector = vector;
            this.onSphere = linking && distance == Distance.DOT && phiSquared > 0f;
            this.augment = augment;
        }

        @Override
        public float similarityTo(int node) {
            switch (distance) {
                case COSINE:
                    return graphScore(distance, Vectorization.util().dotProduct(vector, vectors.getVector(node)));
                case DOT: {
                    float dot = Vectorization.util().dotProduct(vector, vectors.getVector(node));
                    if (!onSphere) {
                        return graphScore(distance, dot);
                    }
                    float s = dot + augment * augment(vectors.squaredNorm(node));
                    return Math.max(0f, (1f + s / phiSquared) * 0.5f);
                }
                case EUCLID:
                    return graphScore(distance, -Vectorization.util().squareDistance(vector, vectors.getVector(node)));
                default:
                    return graphScore(distance, distance.similarity(array, vectors.array(node)));
            }
        }
    }
}
