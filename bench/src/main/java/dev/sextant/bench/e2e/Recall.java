package dev.sextant.bench.e2e;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Recall@k of one answer against the exact answer of the same request, with the definition of
 * {@code QueryRecallTest} (docs/design.md, "Recall"): a returned point is correct when its exact score is at least
 * the exact answer's last (k-th) score, so points tied at the cut-off are interchangeable (thousands of context
 * points score exactly 0.0); recall = correct returned points / exact results. Scores returned by Sextant are exact
 * whatever the plan (decision 7), so the returned score is the exact one. Both datasets of the harness are Cosine
 * (higher is better). Pure functions.
 */
public final class Recall {
    /** Slack for float rounding between two exact computations of one score (scan and rescore). */
    static final double EPSILON = 1e-5;

    private Recall() {}

    /**
     * Recall of one search's points against the exact search's points.
     *
     * @param points the {@code points} array of a response's {@code result} (id, score)
     * @param exactPoints the same for the request with {@code params.exact: true}
     * @return in [0, 1]; 1 when the exact answer is empty
     */
    public static double of(JsonNode points, JsonNode exactPoints) {
        int expected = exactPoints.size();
        if (expected == 0) {
            return 1.0;
        }
        double cutoff = exactPoints.get(expected - 1).get("score").asDouble();
        int correct = 0;
        for (JsonNode p : points) {
            if (p.get("score").asDouble() >= cutoff - EPSILON) {
                correct++;
            }
        }
        return Math.min(correct, expected) / (double) expected;
    }

    /**
     * Recall of a whole response against the exact response: the mean over the searches of a batch, or of the
     * single search.
     *
     * @param result a response's {@code result}: {@code {"points":[…]}} or, for a batch, an array of those
     */
    public static double ofResult(JsonNode result, JsonNode exactResult) {
        if (result.isArray()) {
            double sum = 0;
            for (int i = 0; i < exactResult.size(); i++) {
                sum += of(result.get(i).get("points"), exactResult.get(i).get("points"));
            }
            return exactResult.isEmpty() ? 1.0 : sum / exactResult.size();
        }
        return of(result.get("points"), exactResult.get("points"));
    }
}
