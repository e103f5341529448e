package dev.sextant.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sextant.index.Distance;
import java.util.Objects;

/**
 * Vectors to index and held-out query vectors, the same for every index under comparison.
 *
 * @param name a short name used in file names and tables ({@code debian}, {@code synthetic})
 * @param distance the metric; both datasets of the harness are Cosine, with vectors L2-normalised on load
 * @param ids the point id of {@code vectors[i]}; ascending, so an array position orders like the id
 * @param vectors the indexed vectors, {@code n × dimension}, preprocessed for {@code distance}
 * @param payloads the payload of {@code vectors[i]}; each has the string field {@code filterKey}
 * @param queries held-out query vectors (not indexed), {@code q × dimension}, preprocessed
 * @param filterKey a string payload field for the selective filter
 * @param filterValue the value the selective filter matches (about 2 % of the points)
 */
public record Dataset(String name, Distance distance, long[] ids, float[][] vectors, ObjectNode[] payloads,
        float[][] queries, String filterKey, String filterValue) {

    public Dataset {
        Objects.requireNonNull(name, "name");
        if (ids.length != vectors.length || payloads.length != vectors.length) {
            throw new IllegalArgumentException("ids, vectors and payloads differ in length");
        }
        if (vectors.length == 0 || queries.length == 0) {
            throw new IllegalArgumentException("a dataset needs vectors and queries");
        }
    }

    /** Indexed vectors. */
    public int size() {
        return vectors.length;
    }

    public int dimension() {
        return vectors[0].length;
    }

    /** The selective filter as Qdrant filter JSON: {@code must: key = value}. */
    public String filterJson() {
        return "{\"must\":[{\"key\":\"" + filterKey + "\",\"match\":{\"value\":\"" + filterValue + "\"}}]}";
    }

    /** Whether the point at {@code index} passes the selective filter. */
    public boolean matchesFilter(int index) {
        return filterValue.equals(payloads[index].path(filterKey).asText(null));
    }

    /**
     * How many of {@code returned} count for recall@k against {@code exact} (both positions into {@link #vectors},
     * best first): a returned vector counts when its similarity to {@code query} reaches that of the exact answer's
     * last, so vectors tied at the cut-off are interchangeable (the definition of {@code QueryRecallTest}).
     */
    public int correct(float[] query, int[] exact, int[] returned) {
        float cutOff = distance.similarity(query, vectors[exact[exact.length - 1]]);
        int correct = 0;
        for (int p : returned) {
            if (distance.similarity(query, vectors[p]) >= cutOff) {
                correct++;
            }
        }
        return correct;
    }

    @Override
    public String toString() {
        return String.format("%s (%,d x %d, %s, %,d queries)", name, size(), dimension(), distance.qdrantName(),
                queries.length);
    }
}
