package dev.sextant.index.search;

import dev.sextant.index.PointId;
import dev.sextant.index.VectorParams;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * The vectors of one named vector space of one collection in one partition, and the ANN index over them.
 *
 * <p>Vectors are stored as given (the caller has already normalised Cosine vectors); arrays handed in or
 * out are shared, never copied: callers must not modify them. Not thread-safe: one Flink subtask thread
 * owns an instance (inserts, deletes, searches and repairs are serialised by the mailbox).
 *
 * <p>THIS IS THE SCAN-ONLY PLACEHOLDER: the jvector-backed implementation replaces the internals and keeps
 * this API.
 */
public final class VectorSpace {
    private final VectorParams params;
    private final Map<PointId, float[]> vectors = new HashMap<>();

    public VectorSpace(VectorParams params, dev.sextant.index.IndexOptions options) {
        this.params = params;
    }

    public VectorParams params() {
        return params;
    }

    /** Inserts or replaces the vector of {@code id}; {@code vector.length == params().size()}. */
    public void put(PointId id, float[] vector) {
        vectors.put(id, vector);
    }

    /** Removes the vector of {@code id}; no-op when absent. */
    public void remove(PointId id) {
        vectors.remove(id);
    }

    /** The stored vector, or {@code null}. */
    public float[] get(PointId id) {
        return vectors.get(id);
    }

    /** Number of live vectors. */
    public int size() {
        return vectors.size();
    }

    /** Visits every live vector (for exact scans); the order is unspecified. */
    public void forEach(BiConsumer<PointId, float[]> visitor) {
        vectors.forEach(visitor);
    }

    /**
     * Up to {@code k} candidates most similar to {@code query} under the space's metric among the ids that
     * {@code accept} admits, best first, each with its exact similarity ({@link dev.sextant.index.Distance#similarity}).
     *
     * @param query a vector of dimension {@code params().size()}, preprocessed like stored vectors
     * @param k the number of candidates wanted
     * @param ef the search beam (HNSW ef), ≥ k; ignored by an exact scan
     */
    public List<Candidate> nearest(float[] query, int k, int ef, Predicate<PointId> accept) {
        List<Candidate> all = new ArrayList<>();
        vectors.forEach((id, v) -> {
            if (accept.test(id)) {
                all.add(new Candidate(id, params.distance().similarity(query, v)));
            }
        });
        all.sort((a, b) -> {
            int c = Float.compare(b.similarity(), a.similarity());
            return c != 0 ? c : a.id().compareTo(b.id());
        });
        return all.size() > k ? new ArrayList<>(all.subList(0, k)) : all;
    }

    /** A point id with its exact similarity to a query. */
    public record Candidate(PointId id, float similarity) {}
}
