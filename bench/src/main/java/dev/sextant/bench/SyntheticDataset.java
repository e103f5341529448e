package dev.sextant.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sextant.index.Distance;
import java.util.SplittableRandom;

/**
 * A seeded mixture of Gaussian clusters on the unit sphere, the shape of the jvector trial (shared notes):
 * {@code clusters} centres with N(0, 1) components; each point is a centre plus {@code spread}·N(0, 1) noise per
 * component, L2-normalised (Cosine). Queries are fresh draws from the same mixture. Payload:
 * {@code {"cluster": c, "bucket": "b00".."b49"}}, the bucket being the point's position mod 50, so the selective
 * filter {@code bucket = b07} admits 2 % of the points independently of where they lie.
 */
public final class SyntheticDataset {
    public static final int BUCKETS = 50;

    private SyntheticDataset() {}

    /**
     * @param size indexed points, ≥ 1
     * @param queries query vectors, ≥ 1
     * @param dimension vector dimension, ≥ 1
     * @param clusters number of Gaussian centres, ≥ 1
     * @param spread standard deviation of the noise around a centre (per component; centres have 1)
     * @param seed the random seed; equal arguments give identical datasets
     */
    public static Dataset generate(int size, int queries, int dimension, int clusters, double spread, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] centres = new float[clusters][dimension];
        for (float[] c : centres) {
            for (int d = 0; d < dimension; d++) {
                c[d] = (float) gaussian(random);
            }
        }
        long[] ids = new long[size];
        float[][] vectors = new float[size][];
        ObjectNode[] payloads = new ObjectNode[size];
        for (int i = 0; i < size; i++) {
            int c = random.nextInt(clusters);
            ids[i] = i + 1;
            vectors[i] = draw(random, centres[c], spread);
            ObjectNode payload = JsonNodeFactory.instance.objectNode();
            payload.put("cluster", c);
            payload.put("bucket", String.format("b%02d", i % BUCKETS));
            payloads[i] = payload;
        }
        float[][] q = new float[queries][];
        for (int i = 0; i < queries; i++) {
            q[i] = draw(random, centres[random.nextInt(clusters)], spread);
        }
        return new Dataset("synthetic", Distance.COSINE, ids, vectors, payloads, q, "bucket", "b07");
    }

    private static float[] draw(SplittableRandom random, float[] centre, double spread) {
        float[] v = new float[centre.length];
        for (int d = 0; d < v.length; d++) {
            v[d] = (float) (centre[d] + spread * gaussian(random));
        }
        float[] unit = Distance.normalise(v);
        return unit == v ? v : unit;
    }

    /** A standard normal deviate (Box–Muller; SplittableRandom has no nextGaussian on Java 17). */
    private static double gaussian(SplittableRandom random) {
        double u = 1.0 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2.0 * Math.PI * v);
    }
}
