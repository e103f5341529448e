package dev.sextant.index.search;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sextant.index.PointId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@link ResultMerge}: one total order over partitions, ties by id (D4), offset then limit. */
class ResultMergeTest {
    static final PointId U1 = PointId.of(UUID.fromString("00000000-0000-0000-0000-000000000001"));
    static final PointId U2 = PointId.of(UUID.fromString("ffffffff-0000-0000-0000-000000000000"));

    static ScoredPoint p(long id, float score) {
        return new ScoredPoint(PointId.of(id), score, null, null);
    }

    static ScoredPoint p(PointId id, float score) {
        return new ScoredPoint(id, score, null, null);
    }

    static List<String> ids(List<ScoredPoint> points) {
        return points.stream().map(x -> x.id().toString()).toList();
    }

    @Test
    void tiesAcrossPartitionsAreOrderedById() {
        List<ScoredPoint> a = List.of(p(7, 1f), p(U2, 1f), p(1, 0.5f));
        List<ScoredPoint> b = List.of(p(3, 1f), p(U1, 1f), p(2, 0.5f));
        List<ScoredPoint> merged = ResultMerge.merge(List.of(a, b), false, 0, 10);
        assertEquals(List.of("3", "7", U1.toString(), U2.toString(), "1", "2"), ids(merged));
    }

    @Test
    void ascendingForDistances() {
        List<ScoredPoint> a = List.of(p(5, 0f), p(9, 2f));
        List<ScoredPoint> b = List.of(p(4, 0f), p(1, 3f));
        assertEquals(List.of("4", "5", "9", "1"), ids(ResultMerge.merge(List.of(a, b), true, 0, 10)));
    }

    @Test
    void offsetThenLimit() {
        List<ScoredPoint> a = List.of(p(1, 5f), p(3, 3f), p(5, 1f));
        List<ScoredPoint> b = List.of(p(2, 4f), p(4, 2f));
        assertEquals(List.of("3", "4"), ids(ResultMerge.merge(List.of(a, b), false, 2, 2)));
        assertEquals(List.of("5"), ids(ResultMerge.merge(List.of(a, b), false, 4, 2)));
        assertEquals(List.of(), ResultMerge.merge(List.of(a, b), false, 5, 2));
        assertEquals(List.of(), ResultMerge.merge(List.of(List.of(), List.of()), false, 0, 3));
        assertEquals(List.of("1"), ids(ResultMerge.merge(List.of(a, b), false, 0, 1)));
    }

    @Test
    void zeroAndNegativeZeroAreEqual() {
        assertEquals(List.of("1", "2"), ids(ResultMerge.merge(List.of(List.of(p(2, 0.0f)), List.of(p(1, -0.0f))), false, 0, 5)));
        assertEquals(List.of("1", "2"), ids(ResultMerge.merge(List.of(List.of(p(1, 0.0f)), List.of(p(2, -0.0f))), false, 0, 5)));
    }

    @Test
    void pagesAreDisjointSlicesOfOneList() {
        Random r = new Random(5);
        List<List<ScoredPoint>> partials = new ArrayList<>();
        List<ScoredPoint> all = new ArrayList<>();
        for (int part = 0; part < 4; part++) {
            List<ScoredPoint> partial = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                ScoredPoint x = p(part * 100L + i, r.nextInt(5)); // many ties
                partial.add(x);
                all.add(x);
            }
            partial.sort(ResultOrder.of(false));
            partials.add(partial);
        }
        all.sort(ResultOrder.of(false));
        List<ScoredPoint> paged = new ArrayList<>();
        for (int offset = 0; offset < all.size(); offset += 7) {
            paged.addAll(ResultMerge.merge(partials, false, offset, 7));
        }
        assertEquals(ids(all), ids(paged));
        Collections.shuffle(all, r);
    }
}
