package dev.sextant.index.search;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Merges the partial results of all partitions into the final page (README §3.2, "Pipeline" steps 4–5).
 */
public final class ResultMerge {
    private ResultMerge() {}

    /**
     * The final page: all partials in {@link ResultOrder}, {@code offset} results skipped, at most
     * {@code limit} returned.
     *
     * @param partials each partition's best {@code offset + limit} results, each sorted in
     *     {@link ResultOrder#of(boolean) ResultOrder.of(ascending)}; a point appears in one partial only
     * @param ascending the query's order ({@code ResolvedQuery.ascending()})
     * @param offset results to skip, ≥ 0
     * @param limit results to return, ≥ 1
     */
    public static List<ScoredPoint> merge(List<List<ScoredPoint>> partials, boolean ascending, int offset, int limit) {
        Comparator<ScoredPoint> order = ResultOrder.of(ascending);
        List<ScoredPoint> all = new ArrayList<>();
        partials.forEach(all::addAll);
        all.sort(order);
        if (offset >= all.size()) {
            return List.of();
        }
        return List.copyOf(all.subList(offset, (int) Math.min(all.size(), (long) offset + limit)));
    }
}
