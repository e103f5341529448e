package dev.sextant.index.search;

import dev.sextant.index.Distance;
import dev.sextant.index.IndexOptions;
import dev.sextant.index.Point;
import dev.sextant.index.PointId;
import dev.sextant.index.query.Context;
import dev.sextant.index.query.ContextPair;
import dev.sextant.index.query.Discover;
import dev.sextant.index.query.Nearest;
import dev.sextant.index.query.Query;
import dev.sextant.index.query.RecommendBestScore;
import dev.sextant.index.query.RecommendSumScores;
import dev.sextant.index.query.ResolvedQuery;
import dev.sextant.index.query.Sigmoids;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * How one query finds its candidates in one vector space, and the exact rescoring that follows (design
 * decision 7). One instance per search; not thread-safe.
 *
 * <p><b>Exact scan</b> of every accepted point when {@code params.exact} is set, when the space holds
 * fewer than {@link IndexOptions#exactScanBelow()} vectors, when the filter admits few points (the
 * {@code KeywordIndex} candidates of a {@code must} match, or else a sample, say fewer than that many), and
 * for {@code best_score} with negatives only (the points least like the negatives are no graph search's
 * neighbours: searching towards {@code −n} reached recall@10 0.88 on the Debian MiniLM set). A scan with
 * candidates visits only them, each still tested with the whole filter.
 *
 * <p><b>Graph plans</b> otherwise; every candidate is rescored with the exact Qdrant formula, so only
 * the candidate set is approximate:
 * <ul>
 *   <li>nearest / {@code average_vector}: one search for {@code offset + limit}.</li>
 *   <li>{@code best_score}: one search per positive.</li>
 *   <li>{@code sum_scores}: on Dot/Cosine the score is linear, {@code (Σp − Σn)·x}, so one search with
 *       that vector; on Euclid with more positives than negatives it is a decreasing function of the
 *       distance to {@code (Σp − Σn)/(P − N)}, so one search there; otherwise one per positive.</li>
 *   <li>discover: one search for the target and one per pair (towards {@code p − n} on Dot/Cosine,
 *       towards {@code p} otherwise).</li>
 *   <li>context: one search per pair as for discover, and on Dot/Cosine one more towards the sum of the
 *       pairs' unit directions, where the points on the positive side of every pair tend to be.</li>
 * </ul>
 * Where a bound on the score of every point outside the candidate lists is known (nearest, best_score,
 * sum_scores with one probe, discover, context on Dot/Cosine), the lists are widened ×4 until the
 * {@code offset + limit}-th result beats that bound (for context: reaches it, since all points on the
 * positive side of every pair tie at 0), so with exact neighbour lists the result is exact; otherwise until
 * {@code offset + limit} results are found. Widening stops, and the plan falls back to the exact scan, when
 * the next round of searches would cost more than the scan or need more than half the space, or when the
 * graph returns short lists.
 *
 * <p><b>Beams.</b> A search uses the beam {@code max(ef, list size)}, ef being {@code params.hnsw_ef} or
 * {@link IndexOptions#defaultEf()}. A probe that is a combination of several examples ({@code average_vector},
 * {@code Σp − Σn}, a pair's {@code p − n}) and whose list the result rests on uses {@value #COMBINATION_BEAM}
 * × ef: such vectors lie off the data the graph was built from, where a beam of 100 reached recall@10 of only
 * 0.95 on the Debian MiniLM set and a beam of 200 reached 0.995–1.0 (design.md, "Recall").
 */
final class SearchPlan {
    /** The smallest candidate list of a multi-probe plan. */
    static final int MIN_CANDIDATES = 64;
    /** Points sampled to estimate how many a filter admits. */
    static final int FILTER_SAMPLE = 1000;
    /** The beam of a combination probe, in multiples of ef (see the class comment). */
    static final int COMBINATION_BEAM = 2;

    private final ResolvedQuery q;
    private final VectorSpace space;
    private final Map<PointId, Point> points;
    private final Set<PointId> candidates;
    private final IndexOptions options;
    private final int k;
    private final Distance distance;
    private final Predicate<PointId> accept;

    /** An upper bound on the score of any point outside all candidate lists, given each list's last vector. */
    private interface Bound {
        float outside(List<float[]> lastOfEachList);
    }

    /**
     * One graph search of a plan.
     *
     * @param vector the search vector, preprocessed like stored vectors
     * @param combination a combination of examples that the result rests on: searched with a wider beam
     */
    private record Probe(float[] vector, boolean combination) {}

    /**
     * @param candidates a superset of the points the filter admits ({@code KeywordIndex}), or {@code null}
     */
    SearchPlan(ResolvedQuery q, VectorSpace space, Map<PointId, Point> points, Set<PointId> candidates,
            IndexOptions options, int k) {
        this.q = q;
        this.space = space;
        this.points = points;
        this.candidates = candidates;
        this.options = options;
        this.k = k;
        this.distance = q.distance();
        this.accept = q.acceptsAll() ? VectorSpace.ALL : id -> {
            Point p = points.get(id);
            return p != null && q.accepts(p);
        };
    }

    /** The best {@code k} accepted points of the space in final order, with exact scores. */
    List<ScoredPoint> run() {
        if (q.params().exact() || space.size() < options.exactScanBelow() || filterAdmitsFew()) {
            return scan();
        }
        List<ScoredPoint> found = graph();
        return found != null ? found : scan();
    }

    /** Exact: scores every accepted point. */
    List<ScoredPoint> scan() {
        TopK top = new TopK(k, q.ascending());
        if (candidates != null && candidates.size() < space.size()) {
            for (PointId id : candidates) {
                float[] v = space.get(id);
                if (v != null && accept.test(id)) {
                    offer(top, id, v);
                }
            }
            return top.sorted();
        }
        space.forEach((id, v) -> {
            if (accept.test(id)) {
                offer(top, id, v);
            }
        });
        return top.sorted();
    }

    private void offer(TopK top, PointId id, float[] v) {
        float s = q.score(v);
        if (q.passes(s)) {
            top.offer(id, s);
        }
    }

    private boolean filterAdmitsFew() {
        if (q.filter() == null) {
            return false;
        }
        int few = Math.max(k, options.exactScanBelow());
        if (candidates != null && candidates.size() < few) {
            return true; // the filter admits at most the candidates
        }
        int sampled = 0;
        int admitted = 0;
        for (Point p : points.values()) {
            if (sampled == FILTER_SAMPLE) {
                break;
            }
            if (p.vectors().containsKey(q.using())) {
                sampled++;
                if (q.accepts(p)) {
                    admitted++;
                }
            }
        }
        long estimate = sampled == 0 ? 0 : (long) admitted * space.size() / sampled;
        return estimate < few;
    }

    /** The beam of a search for {@code wanted} candidates. */
    private int beam(int wanted, boolean combination) {
        Integer requested = q.params().hnswEf();
        long ef = requested != null ? requested : options.defaultEf();
        return (int) Math.min(Integer.MAX_VALUE, Math.max(combination ? ef * COMBINATION_BEAM : ef, wanted));
    }

    /** The graph plan of the query kind, or {@code null} to fall back to the scan. */
    private List<ScoredPoint> graph() {
        Query query = q.query();
        if (query instanceof Nearest n) {
            return nearest(n);
        }
        if (query instanceof RecommendBestScore b) {
            return bestScore(b);
        }
        if (query instanceof RecommendSumScores s) {
            return sumScores(s);
        }
        if (query instanceof Discover d) {
            return discover(d);
        }
        return context((Context) query);
    }

    private List<ScoredPoint> nearest(Nearest n) {
        List<VectorSpace.Candidate> list = space.nearest(n.vector(), k, beam(k, n.combination()), accept);
        if (list.size() < k) {
            return null;
        }
        TopK top = new TopK(k, q.ascending());
        list.forEach(c -> offer(top, c.id(), space.get(c.id())));
        return top.sorted();
    }

    private List<ScoredPoint> bestScore(RecommendBestScore b) {
        if (b.positives().isEmpty()) {
            return null; // the points farthest from the negatives: no graph search finds them (class comment)
        }
        // Outside every positive's list, max_pos ≤ T; a winner there scores ≤ sigmoid(T), a loser < 0.
        List<float[]> pos = b.positives();
        return probe(examples(pos), lasts -> {
            float t = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < pos.size(); i++) {
                t = Math.max(t, distance.similarity(pos.get(i), lasts.get(i)));
            }
            return Sigmoids.scaledFastSigmoid(t);
        });
    }

    private List<ScoredPoint> sumScores(RecommendSumScores s) {
        int p = s.positives().size();
        int n = s.negatives().size();
        boolean combination = p + n > 1;
        if (linear()) {
            float[] w = combination(s.positives(), s.negatives(), 1.0f);
            if (squaredNorm(w) < Distance.NORM_EPSILON) {
                return null;
            }
            return probe(List.of(new Probe(distance.preprocess(w), combination)),
                    lasts -> withSlack(dot(w, lasts.get(0))));
        }
        if (distance == Distance.EUCLID && p > n) {
            float[] centre = combination(s.positives(), s.negatives(), 1.0f / (p - n));
            return probe(List.of(new Probe(centre, combination)), lasts -> withSlack(q.score(lasts.get(0))));
        }
        if (p == 0) {
            return null;
        }
        return probe(examples(s.positives()), null);
    }

    private List<ScoredPoint> discover(Discover d) {
        List<Probe> probes = new ArrayList<>();
        probes.add(new Probe(d.target(), false));
        // the pair probes only add candidates: the bound rests on the target's list alone, so no wide beam
        for (PairProbe pp : pairProbes(d.pairs())) {
            probes.add(new Probe(pp.probe().vector(), false));
        }
        int pairs = d.pairs().size();
        float[] target = d.target();
        // Outside the target's list sim(target, y) ≤ that of its last point, and the rank ≤ pairs.
        return probe(probes, lasts -> pairs + Sigmoids.scaledFastSigmoid(distance.similarity(target, lasts.get(0))));
    }

    private List<ScoredPoint> context(Context c) {
        List<PairProbe> pairProbes = pairProbes(c.pairs());
        if (pairProbes.isEmpty()) {
            return null;
        }
        List<Probe> probes = new ArrayList<>();
        pairProbes.forEach(pp -> probes.add(pp.probe()));
        if (!linear()) {
            return probe(probes, null);
        }
        if (pairProbes.size() > 1) {
            // the points on the positive side of every pair are far along the sum of the pairs' directions
            float[] sum = new float[pairProbes.get(0).probe().vector().length];
            pairProbes.forEach(pp -> {
                float[] unit = Distance.normalise(pp.direction());
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += unit[i];
                }
            });
            if (squaredNorm(sum) >= Distance.NORM_EPSILON) {
                probes.add(new Probe(distance.preprocess(sum), true));
            }
        }
        // Outside pair i's list, d_i(y) = (p_i − n_i)·y ≤ that of the list's last point; a loss is
        // monotone in d and never above 0, so a pair without a list contributes at most 0.
        return probe(probes, lasts -> {
            float bound = 0.0f;
            for (int i = 0; i < pairProbes.size(); i++) {
                float d = withSlack(dot(pairProbes.get(i).direction(), lasts.get(i))) - ContextPair.EPSILON;
                bound += Sigmoids.fastSigmoid(Math.min(d, 0.0f));
            }
            return bound;
        }, true);
    }

    /** A pair's probe and its direction {@code p − n} on Dot/Cosine, where the pair's margin is linear. */
    private record PairProbe(Probe probe, float[] direction) {}

    /**
     * Towards the positive side of each pair: {@code p − n} on Dot/Cosine (linear; a combination probe),
     * {@code p} otherwise (direction {@code null}). A pair whose sides (almost) coincide gets no probe.
     */
    private List<PairProbe> pairProbes(List<ContextPair> pairs) {
        List<PairProbe> probes = new ArrayList<>();
        for (ContextPair pair : pairs) {
            if (linear()) {
                float[] w = combination(List.of(pair.positive()), List.of(pair.negative()), 1.0f);
                if (squaredNorm(w) >= Distance.NORM_EPSILON) {
                    probes.add(new PairProbe(new Probe(distance.preprocess(w), true), w));
                }
            } else {
                probes.add(new PairProbe(new Probe(pair.positive(), false), null));
            }
        }
        return probes;
    }

    /** Dot and Cosine: similarities are linear in the example, so combinations of examples are exact. */
    private boolean linear() {
        return distance == Distance.DOT || distance == Distance.COSINE;
    }

    private static List<Probe> examples(List<float[]> vectors) {
        List<Probe> probes = new ArrayList<>(vectors.size());
        vectors.forEach(v -> probes.add(new Probe(v, false)));
        return probes;
    }

    private List<ScoredPoint> probe(List<Probe> probes, Bound bound) {
        return probe(probes, bound, false);
    }

    /**
     * Searches the graph once per probe, widening the lists until the result is known complete.
     *
     * @param bound the bound on the score outside the lists (given the last vector of each list, in probe
     *     order), or {@code null} when none is known (then complete = {@code k} results found)
     * @param tiesAtTheBound whether a {@code k}-th result equal to the bound completes the result (context,
     *     whose positive-side points all tie at the bound 0)
     * @return the results, or {@code null} to fall back to the scan
     */
    private List<ScoredPoint> probe(List<Probe> probes, Bound bound, boolean tiesAtTheBound) {
        // similarities an exact scan computes: one per example per live vector
        double scanCost = (double) space.size() * q.query().vectors().size();
        int c = Math.max(k, MIN_CANDIDATES);
        while (true) {
            Set<PointId> union = new LinkedHashSet<>();
            List<float[]> lasts = new ArrayList<>(probes.size());
            for (Probe probe : probes) {
                List<VectorSpace.Candidate> list = space.nearest(probe.vector(), c, beam(c, probe.combination()), accept);
                if (list.size() < c) {
                    return null; // few accepted points, or a graph that cannot reach them: scan
                }
                list.forEach(x -> union.add(x.id()));
                lasts.add(space.get(list.get(list.size() - 1).id()));
            }
            TopK top = new TopK(k, q.ascending());
            union.forEach(id -> offer(top, id, space.get(id)));
            List<ScoredPoint> sorted = top.sorted();
            if (bound == null ? sorted.size() >= k : complete(sorted, bound.outside(lasts), tiesAtTheBound)) {
                return sorted;
            }
            long next = (long) c * 4;
            double searchCost = 0;
            for (Probe probe : probes) {
                searchCost += VectorSpace.GRAPH_VISITS_PER_BEAM * beam((int) Math.min(next, Integer.MAX_VALUE),
                        probe.combination());
            }
            if (next > space.size() / 2 || searchCost > scanCost) {
                return null;
            }
            c = (int) next;
        }
    }

    /** True when no point outside the lists (scoring ≤ {@code outsideMax}) can enter the results. */
    private boolean complete(List<ScoredPoint> sorted, float outsideMax, boolean tiesAtTheBound) {
        if (sorted.size() >= k) {
            float last = sorted.get(k - 1).score();
            return last > outsideMax || (tiesAtTheBound && last == outsideMax);
        }
        return !q.passes(outsideMax);
    }

    /** A bound computed in another float evaluation order, widened by the rounding it may differ by. */
    private static float withSlack(float bound) {
        return bound + 1e-5f * (1.0f + Math.abs(bound));
    }

    private static float[] combination(List<float[]> plus, List<float[]> minus, float scale) {
        float[] w = new float[(plus.isEmpty() ? minus : plus).get(0).length];
        plus.forEach(v -> {
            for (int i = 0; i < w.length; i++) {
                w[i] += v[i];
            }
        });
        minus.forEach(v -> {
            for (int i = 0; i < w.length; i++) {
                w[i] -= v[i];
            }
        });
        for (int i = 0; i < w.length; i++) {
            w[i] *= scale;
        }
        return w;
    }

    private static float dot(float[] a, float[] b) {
        float s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static float squaredNorm(float[] v) {
        return dot(v, v);
    }
}
