package dev.sextant.index.query;

/**
 * Qdrant's {@code params}: how approximate the search may be. Results never depend on it for data below
 * the exact-scan size; above it, {@code exact} forces an exact scan and {@code hnswEf} widens the beam.
 *
 * @param exact scan every candidate instead of using the graph
 * @param hnswEf the search beam (HNSW ef), or {@code null} for the index default
 */
public record SearchParams(boolean exact, Integer hnswEf) {
    /** No parameters: approximate search with the default beam. */
    public static final SearchParams DEFAULT = new SearchParams(false, null);
}
