package dev.sextant.index.graph;

import io.github.jbellis.jvector.vector.VectorizationProvider;
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

    static VectorTypeSupport types() {
        return PROVIDER.getVectorTypeSupport();
    }
}
