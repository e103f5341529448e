package dev.sextant.index.query;

/** Qdrant's recommend strategies (conformance README §2.2–2.4). */
public enum RecommendStrategy {
    /** Search with {@code 2·avg(pos) − avg(neg)}, or {@code avg(pos)} without negatives (§2.2). */
    AVERAGE_VECTOR("average_vector"),
    /** Sigmoid of the best positive or minus that of the best negative similarity (§2.3). */
    BEST_SCORE("best_score"),
    /** Sum of positive minus sum of negative similarities (§2.4). */
    SUM_SCORES("sum_scores");

    private final String qdrantName;

    RecommendStrategy(String qdrantName) {
        this.qdrantName = qdrantName;
    }

    /** The spelling used in request JSON. */
    public String qdrantName() {
        return qdrantName;
    }
}
