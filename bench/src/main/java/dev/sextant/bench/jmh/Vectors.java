package dev.sextant.bench.jmh;

import java.util.SplittableRandom;

/** Seeded random vectors for the micro-benchmarks. */
final class Vectors {
    private Vectors() {}

    /** {@code n} vectors of {@code dimension} uniform components in [−1, 1), L2-normalised when {@code unit}. */
    static float[][] random(int n, int dimension, boolean unit, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] out = new float[n][dimension];
        for (float[] v : out) {
            double sq = 0;
            for (int d = 0; d < dimension; d++) {
                v[d] = (float) (random.nextDouble() * 2 - 1);
                sq += v[d] * v[d];
            }
            if (unit) {
                float norm = (float) Math.sqrt(sq);
                for (int d = 0; d < dimension; d++) {
                    v[d] /= norm;
                }
            }
        }
        return out;
    }
}
