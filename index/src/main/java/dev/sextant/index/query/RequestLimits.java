package dev.sextant.index.query;

import dev.sextant.index.QdrantException;
import java.io.Serializable;

/**
 * Sextant's own bounds on one request, beyond Qdrant's rules: they keep a single message from costing the job
 * unbounded memory or work (a {@code limit} of 10⁹ would make every partition ship its whole collection to
 * the merge; a {@code best_score} with 10⁵ positives runs 10⁵ graph searches per partition). Qdrant has none of
 * them; the defaults are far above anything the conformance cases or ordinary clients use.
 *
 * <p>A request over a limit is refused whole with a 400 {@code "Bad request: ..."} that names the limit and
 * the job option that sets it ({@link QueryParser#parse(com.fasterxml.jackson.databind.JsonNode, RequestLimits)}).
 *
 * @param maxLimitOffset the largest {@code limit + offset} of one search, ≥ 1 (results a partition keeps and
 *     sends to the merge)
 * @param maxExamples the most examples of one query, ≥ 1: positives + negatives of a recommend, the target
 *     plus two per context pair of a discover, two per pair of a context, one for a nearest
 * @param maxBatchSearches the most searches of one {@code query_batch}, ≥ 1
 */
public record RequestLimits(int maxLimitOffset, int maxExamples, int maxBatchSearches) implements Serializable {

    /** Job option of {@link #maxLimitOffset}, named in its error. */
    public static final String MAX_LIMIT_OFFSET_OPTION = "sextant.request.max-limit-offset";
    /** Job option of {@link #maxExamples}, named in its error. */
    public static final String MAX_EXAMPLES_OPTION = "sextant.request.max-examples";
    /** Job option of {@link #maxBatchSearches}, named in its error. */
    public static final String MAX_BATCH_SEARCHES_OPTION = "sextant.request.max-batch-searches";

    /** The defaults: {@code limit + offset} ≤ 10,000, 1,000 examples, 1,000 searches per batch. */
    public static final RequestLimits DEFAULTS = new RequestLimits(10_000, 1_000, 1_000);

    /**
     * No bound at all: for a body that was already checked against the job's limits (the resolver re-reads
     * what the planner accepted, and must not refuse it under other limits).
     */
    public static final RequestLimits NONE = new RequestLimits(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE);

    public RequestLimits {
        if (maxLimitOffset < 1 || maxExamples < 1 || maxBatchSearches < 1) {
            throw new IllegalArgumentException("request limits must be at least 1: " + maxLimitOffset + ", "
                    + maxExamples + ", " + maxBatchSearches);
        }
    }

    /**
     * Checks one parsed search.
     *
     * @param at the search's place in a batch ({@code "searches[3]."}), or "" for a single query
     * @throws QdrantException 400 "Bad request: limit + offset must be at most N (option)" or
     *     "Bad request: a query may have at most N examples (option), got M"
     */
    void check(QueryRequest r, String at) {
        String where = at.isEmpty() ? "" : at.substring(0, at.length() - 1) + ": ";
        // No "got": limit and offset are read capped at Integer.MAX_VALUE.
        long wanted = (long) r.limit() + r.offset();
        if (wanted > maxLimitOffset) {
            throw QdrantException.badRequest("Bad request: " + where + "limit + offset must be at most " + maxLimitOffset
                    + " (" + MAX_LIMIT_OFFSET_OPTION + ")");
        }
        int examples = r.query() == null ? 0 : r.query().examples().size();
        if (examples > maxExamples) {
            throw QdrantException.badRequest("Bad request: " + where + "a query may have at most " + maxExamples
                    + " examples (" + MAX_EXAMPLES_OPTION + "), got " + examples);
        }
    }

    /**
     * Checks the size of a batch before its searches are read.
     *
     * @throws QdrantException 400 "Bad request: a batch may have at most N searches (option), got M"
     */
    void checkBatch(int searches) {
        if (searches > maxBatchSearches) {
            throw QdrantException.badRequest("Bad request: a batch may have at most " + maxBatchSearches
                    + " searches (" + MAX_BATCH_SEARCHES_OPTION + "), got " + searches);
        }
    }
}
