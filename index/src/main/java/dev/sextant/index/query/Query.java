package dev.sextant.index.query;

import java.util.List;

/**
 * A resolved query kind: example vectors only (already preprocessed for the metric), scored through
 * similarities. One record per kind; adding a kind touches that record, the {@code permits} clause, the
 * codec in {@link ResolvedQuery} and the plan in {@code SearchPlan} (style habit 11, after Qdrant's
 * {@code vector_storage/query}).
 *
 * <p>Immutable and thread-safe; arrays are shared and must not be modified.
 */
public sealed interface Query permits Nearest, RecommendBestScore, RecommendSumScores, Discover, Context {

    /**
     * The query's raw score of one candidate, larger is better. For {@link Nearest} this is the internal
     * similarity, which {@link ResolvedQuery} turns into the metric's shown score.
     */
    float score(Similarity similarity);

    /** Every example vector of the query, for candidate generation. */
    List<float[]> vectors();
}
