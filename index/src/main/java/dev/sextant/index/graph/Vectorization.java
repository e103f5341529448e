package dev.sextant.index.graph;

import io.github.jbellis.jvector.vector.VectorUtilSupport;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;
import java.util.logging.Logger;

/**
 * jvector's vectorization provider, resolved once per JVM and logged once: {@code PanamaVectorizationProvider}
 * (SIMD, Java 20+ with {@code --add-modules jdk.incubator.vector}) or {@code DefaultVectorizationProvider}
 * (scalar; about 2–2.5× slower builds and searches).
 */
public final class Vectorization {
    private static final Logger LOG = Logger.getLogger(Vectorization.class.getName());
    private static final VectorizationProvider PROVIDER = resolve();
    private static final VectorTypeSupport TYPES = PROVIDER.getVectorTypeSupport();
    private static final VectorUtilSupport UTIL = PROVIDER.getVectorUtilSupport();

    private Vectorization() {}

    private static VectorizationProvider resolve() {
        VectorizationProvider provider = VectorizationProvider.getInstance();
        LOG.info("jvector vectorization provider: " + provider.getClass().getSimpleName()
                + " (Java " + Runtime.version().feature() + ")");
        return provider;
    }

    /** The simple class name of the provider in use, e.g. {@code PanamaVectorizationProvider}. */
    public static String providerName() {
        return PROVIDER.getClass().getSimpleName();
    }

    /**
     * Rough time of one similarity of two {@code dimension}-d vectors, nanoseconds (measured on the 2-core
     * box: about 0.55 ns per dimension with the scalar provider and 0.35 with Panama, data in cache); used
     * only to weigh a scan against a graph search.
     */
    public static double similarityNanos(int dimension) {
        return dimension * (PROVIDER.getClass().getSimpleName().startsWith("Panama") ? 0.35 : 0.55);
    }

    /** {@code v} as a jvector vector, without copying (the array stays shared). */
    public static VectorFloat<?> wrap(float[] v) {
        return TYPES.createFloatVector(v);
    }

    /**
     * Σ aᵢbᵢ through the provider's kernel (SIMD with Panama). Unlike jvector's {@code VectorUtil} it does not
     * assert a finite result: huge finite vectors may score ±∞, which Sextant shows (design.md, "Non-finite scores").
     *
     * @throws IllegalArgumentException when the dimensions differ
     */
    public static float dotProduct(float[] a, float[] b) {
        checkDimensions(a, b);
        return UTIL.dotProduct(wrap(a), wrap(b));
    }

    /**
     * Σ (aᵢ − bᵢ)² through the provider's kernel, without {@code VectorUtil}'s finiteness assertion.
     *
     * @throws IllegalArgumentException when the dimensions differ
     */
    public static float squareDistance(float[] a, float[] b) {
        checkDimensions(a, b);
        return UTIL.squareDistance(wrap(a), wrap(b));
    }

    private static void checkDimensions(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("dimensions differ: " + a.length + " and " + b.length);
        }
    }

    /** The provider's kernels, for vectors already wrapped (the caller checks their dimensions). */
    static VectorUtilSupport util() {
        return UTIL;
    }

    static VectorTypeSupport types() {
        return TYPES;
    }
}
