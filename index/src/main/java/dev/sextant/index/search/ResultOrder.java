package dev.sextant.index.search;

import java.util.Comparator;

/**
 * The total order of results (decision D4): by shown score, best first (smallest first when
 * {@code ascending}), then by point id ascending (integers before UUIDs, UUIDs by string). {@code 0.0}
 * and {@code −0.0} are equal. Every partition and the merge use this one order, so pages taken with
 * different offsets are disjoint slices of one list.
 */
public final class ResultOrder {
    private static final Comparator<ScoredPoint> DESCENDING = (a, b) -> {
        int c = Float.compare(b.score() + 0.0f, a.score() + 0.0f);
        return c != 0 ? c : a.id().compareTo(b.id());
    };
    private static final Comparator<ScoredPoint> ASCENDING = (a, b) -> {
        int c = Float.compare(a.score() + 0.0f, b.score() + 0.0f);
        return c != 0 ? c : a.id().compareTo(b.id());
    };

    private ResultOrder() {}

    /** The result order; {@code ascending} for distances (nearest / average_vector on Euclid, Manhattan). */
    public static Comparator<ScoredPoint> of(boolean ascending) {
        return ascending ? ASCENDING : DESCENDING;
    }
}
