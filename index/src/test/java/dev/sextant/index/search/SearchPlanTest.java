package dev.sextant.index.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sextant.index.Distance;
import dev.sextant.index.IndexOptions;
import dev.sextant.index.Point;
import dev.sextant.index.PointId;
import dev.sextant.index.VectorParams;
import dev.sextant.index.query.Context;
import dev.sextant.index.query.ContextPair;
import dev.sextant.index.query.Discover;
import dev.sextant.index.query.Nearest;
import dev.sextant.index.query.PayloadSelector;
import dev.sextant.index.query.Query;
import dev.sextant.index.query.RecommendBestScore;
import dev.sextant.index.query.RecommendSumScores;
import dev.sextant.index.query.ResolvedQuery;
import dev.sextant.index.query.SearchParams;
import dev.sextant.index.query.VectorSelector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded invariant: with exact neighbour lists (a vector space that always scans), every graph plan whose
 * completeness is provable returns exactly what the exact scan returns, ids and scores, for every metric,
 * query kind, filter, threshold and page; context on Dot/Cosine returns the exact scores, its ids differing at
 * most among points tied with the last result. The heuristic plans (context on Euclid/Manhattan; sum_scores on
 * Manhattan and on Euclid with no more positives than negatives) return exact scores in order and full pages.
 */
class SearchPlanTest {
    static final int N = 2000;
    static final int DIM = 6;
    static final IndexOptions GRAPH_PLANS = IndexOptions.defaults().withExactScanBelow(0);
    static final IndexOptions ALWAYS_SCAN = IndexOptions.defaults().withExactScanBelow(Integer.MAX_VALUE);
    static final String[] FILTERS = {null, "{\"must\": {\"key\": \"g\", \"range\": {\"lt\": 6}}}",
        "{\"must_not\": {\"key\": \"g\", \"match\": {\"any\": [1, 2]}}}", "{\"must\": {\"key\": \"g\", \"match\": {\"value\": 3}}}"};

    final Random random = new Random(20261129);

    float[] vector() {
        float[] v = new float[DIM];
        int cluster = random.nextInt(4);
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) (random.nextGaussian() + (i == cluster ? 3 : 0));
        }
        return v;
    }

    @Test
    void provablyCompletePlansEqualTheScan() {
        int[] checked = new int[1];
        for (Distance distance : Distance.values()) {
            Setup s = new Setup(distance);
            for (int i = 0; i < 60; i++) {
                for (Query query : List.of(
                        new Nearest(s.example()),
                        new RecommendBestScore(s.examples(1 + random.nextInt(3)), s.examples(random.nextInt(3))),
                        new RecommendSumScores(s.examples(2), s.examples(1)),
                        new RecommendSumScores(s.examples(1), s.examples(2)),
                        new Discover(s.example(), s.pairs(random.nextInt(3))))) {
                    boolean provable = !(query instanceof RecommendSumScores sum)
                            || distance == Distance.DOT || distance == Distance.COSINE
                            || (distance == Distance.EUCLID && sum.positives().size() > sum.negatives().size());
                    ResolvedQuery q = s.query(query, i);
                    List<ScoredPoint> scan = s.plan(q).scan();
                    List<ScoredPoint> planned = s.plan(q).run();
                    if (provable) {
                        assertEquals(scan, planned, distance + " " + q);
                    } else {
                        assertValidPage(q, s, scan, planned);
                    }
                    checked[0]++;
                }
            }
            for (int i = 0; i < 30; i++) {
                // best_score with negatives only: always the scan
                ResolvedQuery q = s.query(new RecommendBestScore(List.of(), s.examples(1 + random.nextInt(2))), i);
                assertEquals(s.plan(q).scan(), s.plan(q).run(), distance + " " + q);
                // context: bounded on Dot/Cosine (exact up to ties at the cut-off), heuristic otherwise
                ResolvedQuery c = s.query(new Context(s.pairs(1 + random.nextInt(3))), i);
                List<ScoredPoint> scan = s.plan(c).scan();
                List<ScoredPoint> planned = s.plan(c).run();
                assertValidPage(c, s, scan, planned);
                if (distance == Distance.DOT || distance == Distance.COSINE) {
                    assertEqualUpToTiesAtTheCutOff(scan, planned, distance + " " + c);
                }
            }
        }
        assertTrue(checked[0] >= 1000);
    }

    @Test
    void graphPlansOnTheJvectorGraphFindAlmostEverything() {
        Distance distance = Distance.COSINE;
        com.fasterxml.jackson.databind.JsonNode vectors = JsonNodeFactory.instance.objectNode().put("size", DIM).put("distance", "Cosine");
        CollectionIndex index = new CollectionIndex(dev.sextant.index.CollectionConfig.fromJson(vectors),
                IndexOptions.defaults().withExactScanBelow(500));
        Setup s = new Setup(distance);
        s.points.values().forEach(index::upsert);
        Map<String, double[]> recall = new java.util.TreeMap<>();
        for (int i = 0; i < 40; i++) {
            for (Query query : List.of(new Nearest(s.example()),
                    new RecommendBestScore(s.examples(3), s.examples(1)),
                    new RecommendSumScores(s.examples(2), s.examples(1)),
                    new Discover(s.example(), s.pairs(1)))) {
                ResolvedQuery approximate = new ResolvedQuery("", distance, query, null, List.of(), 10, 0, null,
                        PayloadSelector.NONE, VectorSelector.NONE, SearchParams.DEFAULT);
                ResolvedQuery exact = new ResolvedQuery("", distance, query, null, List.of(), 10, 0, null,
                        PayloadSelector.NONE, VectorSelector.NONE, new SearchParams(true, null));
                List<ScoredPoint> got = index.search(approximate);
                List<ScoredPoint> want = index.search(exact);
                assertValidPage(approximate, s, want, got);
                long found = got.stream().filter(want::contains).count();
                double[] r = recall.computeIfAbsent(query.getClass().getSimpleName(), k -> new double[2]);
                r[0] += (double) found / want.size();
                r[1]++;
            }
        }
        StringBuilder report = new StringBuilder();
        recall.forEach((kind, r) -> report.append(String.format("%s recall@10 %.3f; ", kind, r[0] / r[1])));
        System.out.println("SearchPlanTest on the jvector graph: " + report);
        recall.forEach((kind, r) -> assertTrue(r[0] / r[1] >= 0.95, report.toString()));
    }

    /**
     * The same scores in the same order, and the same ids wherever the score is above the last one (points
     * tied with the last result are interchangeable).
     */
    static void assertEqualUpToTiesAtTheCutOff(List<ScoredPoint> exact, List<ScoredPoint> planned, String what) {
        assertEquals(exact.stream().map(ScoredPoint::score).toList(), planned.stream().map(ScoredPoint::score).toList(),
                what);
        if (!exact.isEmpty()) {
            float last = exact.get(exact.size() - 1).score();
            for (int i = 0; i < exact.size() && exact.get(i).score() != last; i++) {
                assertEquals(exact.get(i).id(), planned.get(i).id(), what);
            }
        }
    }

    /** Exact scores, final order, and a page as full as the scan's. */
    static void assertValidPage(ResolvedQuery q, Setup s, List<ScoredPoint> scan, List<ScoredPoint> planned) {
        assertEquals(scan.size(), planned.size(), "a full page: " + q);
        for (ScoredPoint p : planned) {
            assertEquals(q.score(s.space.get(p.id())), p.score(), "exact score");
            assertTrue(q.passes(p.score()));
            assertTrue(s.points.containsKey(p.id()) && q.accepts(s.points.get(p.id())));
        }
        List<ScoredPoint> sorted = new ArrayList<>(planned);
        sorted.sort(ResultOrder.of(q.ascending()));
        assertEquals(sorted, planned);
    }

    /** Random points in a space that scans exactly, with a payload {@code g} in 0..9. */
    final class Setup {
        final Distance distance;
        final VectorSpace space;
        final Map<PointId, Point> points = new HashMap<>();
        final List<float[]> stored = new ArrayList<>();

        Setup(Distance distance) {
            this.distance = distance;
            this.space = new VectorSpace(new VectorParams(DIM, distance), ALWAYS_SCAN);
            for (int i = 0; i < N; i++) {
                float[] v = distance.preprocess(vector());
                ObjectNode payload = JsonNodeFactory.instance.objectNode().put("g", random.nextInt(10));
                PointId id = PointId.of(i);
                points.put(id, new Point(id, Map.of("", v), payload));
                space.put(id, v);
                stored.add(v);
            }
        }

        /** An example: a fresh vector or (like an id example) a stored one, preprocessed. */
        float[] example() {
            return random.nextBoolean() ? distance.preprocess(vector()) : stored.get(random.nextInt(N));
        }

        List<float[]> examples(int n) {
            List<float[]> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                out.add(example());
            }
            return out;
        }

        List<ContextPair> pairs(int n) {
            List<ContextPair> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                out.add(new ContextPair(example(), example()));
            }
            return out;
        }

        ResolvedQuery query(Query query, int i) {
            String filter = FILTERS[i % FILTERS.length];
            int limit = 1 + random.nextInt(20);
            int offset = random.nextInt(3) == 0 ? random.nextInt(10) : 0;
            List<PointId> excluded = List.of(PointId.of(random.nextInt(N)));
            ResolvedQuery unthresholded = new ResolvedQuery("", distance, query, filter, excluded, limit, offset, null,
                    PayloadSelector.NONE, VectorSelector.NONE, SearchParams.DEFAULT);
            Float threshold = null;
            if (i % 5 == 4) {
                // a threshold inside the range of scores, so it cuts some of the page
                List<ScoredPoint> some = plan(unthresholded).scan();
                threshold = some.isEmpty() ? null : some.get(some.size() / 2).score();
            }
            return new ResolvedQuery("", distance, query, filter, excluded, limit, offset, threshold,
                    PayloadSelector.NONE, VectorSelector.NONE, SearchParams.DEFAULT);
        }

        SearchPlan plan(ResolvedQuery q) {
            return new SearchPlan(q, space, points, null, GRAPH_PLANS, q.offset() + q.limit());
        }
    }
}
