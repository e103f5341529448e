package dev.sextant.index.filter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sextant.index.Point;
import dev.sextant.index.PointId;
import java.util.List;
import java.util.Map;

/**
 * A parsed payload filter: {@code must}, {@code should}, {@code must_not}, {@code min_should}
 * (conformance README §3.5, Qdrant's {@code query_checker.rs}). A point passes when every {@code must}
 * condition holds, at least one {@code should} condition holds (an empty {@code should} list therefore
 * admits nothing), at least {@code min_count} of the {@code min_should} conditions hold, and no
 * {@code must_not} condition holds. An absent clause is {@code null} and places no constraint.
 *
 * <p>Immutable and thread-safe: parse once with {@link FilterParser}, test from any thread.
 *
 * @param must conditions that must all hold, or {@code null}
 * @param should conditions of which one must hold, or {@code null}
 * @param mustNot conditions none of which may hold, or {@code null}
 * @param minShould the {@code min_should} clause, or {@code null}
 */
public record Filter(List<Condition> must, List<Condition> should, List<Condition> mustNot, MinShould minShould) {

    public Filter {
        must = must == null ? null : List.copyOf(must);
        should = should == null ? null : List.copyOf(should);
        mustNot = mustNot == null ? null : List.copyOf(mustNot);
    }

    /** {@code {"conditions": [...], "min_count": n}}. */
    public record MinShould(List<Condition> conditions, int minCount) {
        public MinShould {
            conditions = List.copyOf(conditions);
        }
    }

    /** Whether {@code point} passes. */
    public boolean test(Point point) {
        return test(point.id(), point.payload(), point.vectors());
    }

    /**
     * Whether a point (or a nested array element) passes.
     *
     * @param id the point id, {@code null} inside {@code nested}
     * @param payload the payload object, {@code null} when there is none
     * @param vectors the vectors by name, {@code null} inside {@code nested}
     */
    public boolean test(PointId id, JsonNode payload, Map<String, ?> vectors) {
        if (must != null) {
            for (Condition c : must) {
                if (!c.test(id, payload, vectors)) {
                    return false;
                }
            }
        }
        if (mustNot != null) {
            for (Condition c : mustNot) {
                if (c.test(id, payload, vectors)) {
                    return false;
                }
            }
        }
        if (should != null && !any(should, id, payload, vectors)) {
            return false;
        }
        return minShould == null || atLeast(minShould, id, payload, vectors);
    }

    private static boolean any(List<Condition> cs, PointId id, JsonNode payload, Map<String, ?> vectors) {
        for (Condition c : cs) {
            if (c.test(id, payload, vectors)) {
                return true;
            }
        }
        return false;
    }

    private static boolean atLeast(MinShould m, PointId id, JsonNode payload, Map<String, ?> vectors) {
        int need = m.minCount();
        for (Condition c : m.conditions()) {
            if (need <= 0) {
                return true;
            }
            if (c.test(id, payload, vectors)) {
                need--;
            }
        }
        return need <= 0;
    }
}
