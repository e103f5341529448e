package dev.sextant.index.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sextant.index.Distance;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MetricScoreProviderTest {

    @ParameterizedTest(name = "{0}")
    @EnumSource(Distance.class)
    void graphScoreIsPositiveAndStrictlyIncreasing(Distance distance) {
        float[] similarities = distance == Distance.COSINE
                ? new float[] {-1f, -0.999f, -0.5f, -1e-3f, 0f, 1e-3f, 0.5f, 0.999f, 1f}
                : new float[] {-1e6f, -1e3f, -10f, -1f, -0.5f, -1e-3f, 0f, 1e-3f, 0.5f, 1f, 10f, 1e3f, 1e6f};
        float previous = -1f;
        for (float s : similarities) {
            if (distance.ascending() && s > 0) {
                break; // Euclid and Manhattan similarities are never positive
            }
            float g = MetricScoreProvider.graphScore(distance, s);
            assertTrue(g >= 0f, distance + " score of " + s + " is " + g);
            assertTrue(g > previous, distance + " not increasing at " + s + ": " + previous + " then " + g);
            previous = g;
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Distance.class)
    void searchScoresFollowTheExactSimilarity(Distance distance) {
        Random rnd = new Random(1);
        int dim = 24;
        VectorStore store = new VectorStore(dim);
        for (int ord = 0; ord < 50; ord++) {
            store.set(ord, vector(rnd, dim, distance));
        }
        MetricScoreProvider scores = new MetricScoreProvider(distance, store, 0f);
        float[] query = vector(rnd, dim, distance);
        var f = scores.scoreFunction(query);
        for (int ord = 0; ord < 50; ord++) {
            float expected = MetricScoreProvider.graphScore(distance, distance.similarity(query, store.array(ord)));
            // the same kernels on both paths: the graph ranks by exactly the similarity the rescoring computes
            assertEquals(expected, f.similarityTo(ord), 0f, "ordinal " + ord);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Distance.class)
    void linkingScoresOrderNodesLikeTheirMetric(Distance distance) {
        // for Dot the link score is the augmented inner product on the sphere of radius Φ: its order for a
        // fixed node equals the order of the Euclidean distance between the augmented vectors
        Random rnd = new Random(2);
        int dim = 5;
        VectorStore store = new VectorStore(dim);
        float maxSquaredNorm = 0;
        for (int ord = 0; ord < 40; ord++) {
            float[] v = vector(rnd, dim, distance);
            store.set(ord, v);
            maxSquaredNorm = Math.max(maxSquaredNorm, VectorStore.squaredNorm(v));
        }
        float phiSquared = 4 * maxSquaredNorm;
        MetricScoreProvider scores = new MetricScoreProvider(distance, store, phiSquared);
        var f = scores.diversityScoreFunctionFor(0);
        for (int a = 1; a < 40; a++) {
            for (int b = 1; b < 40; b++) {
                double da = linkDistance(distance, store, phiSquared, 0, a);
                double db = linkDistance(distance, store, phiSquared, 0, b);
                if (Math.abs(da - db) > 1e-3 * (1 + Math.abs(da))) {
                    assertEquals(da < db, f.similarityTo(a) > f.similarityTo(b),
                            distance + ": nodes " + a + " and " + b);
                }
            }
        }
    }

    /** Distance used to link nodes: the metric, or for Dot the Euclidean distance of the augmented vectors. */
    private static double linkDistance(Distance distance, VectorStore store, float phiSquared, int x, int y) {
        if (distance != Distance.DOT) {
            return -distance.similarity(store.array(x), store.array(y));
        }
        double ax = Math.sqrt(phiSquared - store.squaredNorm(x));
        double ay = Math.sqrt(phiSquared - store.squaredNorm(y));
        double sq = (ax - ay) * (ax - ay);
        for (int i = 0; i < store.dimension(); i++) {
            double d = store.array(x)[i] - store.array(y)[i];
            sq += d * d;
        }
        return sq;
    }

    private static float[] vector(Random rnd, int dim, Distance distance) {
        float[] v = new float[dim];
        float scale = distance == Distance.DOT ? (float) Math.exp(rnd.nextGaussian()) : 1f;
        for (int i = 0; i < dim; i++) {
            v[i] = (float) rnd.nextGaussian() * scale;
        }
        return distance.preprocess(v);
    }
}
