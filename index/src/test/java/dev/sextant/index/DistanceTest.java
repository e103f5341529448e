package dev.sextant.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DistanceTest {
    /** Dimensions around the SIMD widths (4, 8, 16 floats) and the datasets' 128 and 384: every tail length. */
    private static final int[] DIMENSIONS = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 127, 128, 129, 383, 384, 385};

    @ParameterizedTest(name = "{0}")
    @EnumSource(Distance.class)
    void similarityMatchesTheDefinitionInDoublePrecision(Distance distance) {
        Random rnd = new Random(7);
        for (int dim : DIMENSIONS) {
            for (int trial = 0; trial < 20; trial++) {
                float[] a = random(rnd, dim);
                float[] b = random(rnd, dim);
                double expected = reference(distance, a, b);
                float actual = distance.similarity(a, b);
                // float sums in any order stay within a few ulps per term of the exact value
                double tolerance = 1e-5 * dim * (1 + Math.abs(expected));
                assertEquals(expected, actual, tolerance, distance + " at dimension " + dim);
                assertEquals(actual, distance.similarity(a, b), 0.0, "the same inputs give the same bits");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Distance.class)
    void aVectorIsMostSimilarToItself(Distance distance) {
        float[] v = Distance.normalise(random(new Random(3), 384));
        float[] w = Distance.normalise(random(new Random(4), 384));
        if (distance.ascending()) {
            assertEquals(0f, distance.similarity(v, v), 0f);
        }
        assertEquals(1, Float.compare(distance.similarity(v, v), distance.similarity(v, w)));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Distance.class)
    void differentDimensionsAreRejected(Distance distance) {
        assertThrows(RuntimeException.class, () -> distance.similarity(new float[8], new float[9]));
    }

    /** Finite vectors may overflow a similarity (design.md, "Non-finite scores"): a score, not a failure. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Distance.class, names = {"DOT", "EUCLID", "MANHATTAN"})
    void hugeFiniteVectorsScoreInfinityWithoutFailing(Distance distance) {
        float[] a = {3e38f, 3e38f, 3e38f};
        float[] b = {-3e38f, -3e38f, -3e38f};
        assertEquals(Float.NEGATIVE_INFINITY, distance.similarity(a, b));
        if (distance == Distance.DOT) {
            assertEquals(Float.POSITIVE_INFINITY, distance.similarity(a, a));
        }
    }

    private static double reference(Distance distance, float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - b[i];
            s += switch (distance) {
                case COSINE, DOT -> (double) a[i] * b[i];
                case EUCLID -> d * d;
                case MANHATTAN -> Math.abs(d);
            };
        }
        return distance.ascending() ? -s : s;
    }

    private static float[] random(Random rnd, int dim) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }
}
