package dev.sextant.index.query;

/** The squashing functions of Qdrant's custom scores (conformance README §2, "Sigmoids"). */
public final class Sigmoids {
    private Sigmoids() {}

    /** {@code x / (1 + |x|)}, in (−1, 1), monotone. */
    public static float fastSigmoid(float x) {
        return x / (1.0f + Math.abs(x));
    }

    /** {@code 0.5 · (fastSigmoid(x) + 1)}, in (0, 1), monotone. */
    public static float scaledFastSigmoid(float x) {
        return 0.5f * (fastSigmoid(x) + 1.0f);
    }
}
