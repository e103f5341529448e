package dev.sextant.index;

import dev.sextant.index.graph.Vectorization;

/**
 * A vector space's metric, turned into an internal similarity where larger is more similar
 * (conformance README §2, decision D1).
 *
 * <table>
 * <tr><th>distance</th><th>similarity</th><th>score shown by nearest / average_vector</th><th>order</th></tr>
 * <tr><td>Dot</td><td>Σ aᵢbᵢ</td><td>similarity</td><td>descending</td></tr>
 * <tr><td>Cosine</td><td>Σ aᵢbᵢ of L2-normalised vectors</td><td>similarity</td><td>descending</td></tr>
 * <tr><td>Euclid</td><td>−Σ (aᵢ−bᵢ)²</td><td>sqrt(−sim)</td><td>ascending</td></tr>
 * <tr><td>Manhattan</td><td>−Σ |aᵢ−bᵢ|</td><td>−sim</td><td>ascending</td></tr>
 * </table>
 *
 * <p>Pure functions; vectors are read, never modified, except by {@link #preprocess} which returns a copy.
 */
public enum Distance {
    COSINE("Cosine"),
    DOT("Dot"),
    EUCLID("Euclid"),
    MANHATTAN("Manhattan");

    /** Squared norms below this are left unnormalised (Qdrant: f32::EPSILON). */
    public static final float NORM_EPSILON = 1.1920929e-7f;

    private final String qdrantName;

    Distance(String qdrantName) {
        this.qdrantName = qdrantName;
    }

    /** Qdrant's spelling: "Cosine", "Dot", "Euclid", "Manhattan". */
    public String qdrantName() {
        return qdrantName;
    }

    /**
     * Parses Qdrant's spelling.
     *
     * @throws QdrantException 400 for anything else
     */
    public static Distance fromQdrant(String name) {
        for (Distance d : values()) {
            if (d.qdrantName.equals(name)) {
                return d;
            }
        }
        throw QdrantException.badRequest("Format error in JSON body: unknown variant `" + name
                + "`, expected one of `Cosine`, `Euclid`, `Dot`, `Manhattan`");
    }

    /**
     * Internal similarity of two vectors of the same dimension; larger is more similar. Every score Sextant
     * shows comes from here: exact scans, the rescoring of graph candidates and of pending points, example
     * scores of recommend, discover and context.
     *
     * <p>Dot products and squared L2 distances use jvector's kernels ({@link Vectorization#dotProduct}: SIMD with the
     * Panama provider on Java 20+, an unrolled scalar loop otherwise; 4.5–7× a plain loop at 384-d on Temurin 25, see
     * docs/benchmarks.md "JMH"); L1 is a four-accumulator loop (jvector has none). Graph search and build use the
     * same kernels under the graph's score transform. The last bits do depend on the
     * JVM and CPU (the provider, the SIMD width, fused multiply-add), as Qdrant's depend on its SIMD support: two
     * equal vectors in partitions on different machines may score a last bit apart.
     *
     * @throws IllegalArgumentException when the dimensions differ
     */
    public float similarity(float[] a, float[] b) {
        switch (this) {
            case COSINE:
            case DOT:
                return Vectorization.dotProduct(a, b);
            case EUCLID:
                return -Vectorization.squareDistance(a, b);
            default:
                return -l1(a, b);
        }
    }

    /** Σ |aᵢ − bᵢ|, with four accumulators (a single running sum is a dependency chain). */
    private static float l1(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("dimensions differ: " + a.length + " and " + b.length);
        }
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

    /** The score a plain search (nearest, average_vector) shows for a similarity. */
    public float shownScore(float similarity) {
        switch (this) {
            case EUCLID:
                return (float) Math.sqrt(Math.max(0f, -similarity));
            case MANHATTAN:
                return -similarity;
            default:
                return similarity;
        }
    }

    /** The similarity behind a shown score (inverse of {@link #shownScore}); used for thresholds. */
    public float similarityOfShown(float shown) {
        switch (this) {
            case EUCLID:
                return -(shown * shown);
            case MANHATTAN:
                return -shown;
            default:
                return shown;
        }
    }

    /** True when plain-search scores are distances, shown smallest first. */
    public boolean ascending() {
        return this == EUCLID || this == MANHATTAN;
    }

    /**
     * The vector as stored or searched: a normalised copy for Cosine (left as is when its squared norm is
     * below {@link #NORM_EPSILON} or within 1e-6 of 1), the same array otherwise.
     */
    public float[] preprocess(float[] v) {
        return this == COSINE ? normalise(v) : v;
    }

    /** L2-normalised copy per Qdrant's rule; returns {@code v} itself when it is left unchanged. */
    public static float[] normalise(float[] v) {
        double sq = 0;
        for (float x : v) {
            sq += (double) x * x;
        }
        if (sq < NORM_EPSILON || Math.abs(sq - 1.0) <= 1e-6) {
            return v;
        }
        float norm = (float) Math.sqrt(sq);
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] / norm;
        }
        return out;
    }
}
