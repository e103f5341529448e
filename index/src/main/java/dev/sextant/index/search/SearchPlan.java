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
 * fewer than {@link IndexOptions#exactScanBelow()} vectors, or when the filter admits few points (a
 * sample says fewer than that many).
 *
 * <p><b>Graph plans</b> otherwise; every candidate is rescored with the exact Qdrant formula, so only
 * the candidate set is approximate:
 * <ul>
 *   <li>nearest / {@code average_vector}: one search for {@code offset + limit}.</li>
 *   <li>{@code best_score}: one search per positive (per negated negative on Dot/Cosine when there are
 *       no positives; Euclid/Manhattan with negatives only scan).</li>
 *   <li>{@code sum_scores}: on Dot/Cosine the score is linear, {@code (Σp − Σn)·x}, so one search with
 *       that vector; on Euclid with more positives than negatives it is a decreasing function of the
 *       distance to {@code (Σp − Σn)/(P − N)}, so one search there; otherwise one per positive.</li>
 *   <li>discover: one search for the target and one per pair (towards {@code p − n} on Dot/Cosine,
 *       towards {@code p} otherwise).</li>
 *   <li>context: one search per pair, as for discover.</li>
 * </ul>
 * Where a bound on the score of every point outside the candidate lists is known (nearest, best_score,
 * sum_scores with one probe, discover), the lists are widened ×4 until the {@code offset + limit}-th
 * result beats that bound, so with exact neighbour lists the result is exact; otherwise until
 * {@code offset + limit} results are found. A search that would need more than half the space, or whose
 * graph returns short lists, falls back to the exact scan.
 */
final class SearchPlan {
    /** The smallest candidate list of a multi-probe plan. */
    static final int MIN_CANDIDATES = 64;
    /** Points sampled to estimate how many a filter admits. */
    static final int FILTER_SAMPLE = 1000;

    private final ResolvedQuery q;
    private final VectorSpace space;
    private final Map<PointId, Point> points;
    private final IndexOptions options;
    private final int k;
    private final Distance distance;
    private final Predicate<PointId> accept;

    /** An upper bound on the score of any point outside all candidate lists, given each list's last vector. */
    private interface Bound {
        float outside(List<float[]> lastOfEachList);
    }

    SearchPlan(ResolvedQuery q, VectorSpace space, Map<PointId, Point> points, IndexOptions options, int k) {
        this.q = q;
        this.space = space;
        this.points = points;
        this.options = options;
        this.k = k;
        this.distance = q.distance();
        this.accept = id -> {
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
        return estimate < Math.max(k, options.exactScanBelow());
    }

    private int ef(int wanted) {
        Integer ef = q.params().hnswEf();
        return Math.max(ef != null ? ef : options.defaultEf(), wanted);
    }

    /** The graph plan of the query kind, or {@code null} to fall back to the scan. */
    private List<ScoredPoint> graph() {
        Query query = q.query();
        if (query instanceof Nearest n) {
            return nearest(n.vector());
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

    private List<ScoredPoint> nearest(float[] vector) {
        List<VectorSpace.Candidate> list = space.nearest(vector, k, ef(k), accept);
        if (list.size() < k) {
            return null;
        }
        TopK top = new TopK(k, q.ascending());
        list.forEach(c -> offer(top, c.id(), space.get(c.id())));
        return top.sorted();
    }

    private List<ScoredPoint> bestScore(RecommendBestScore b) {
        if (!b.positives().isEmpty()) {
            // Outside every positive's list, max_pos ≤ T; a winner there scores ≤ sigmoid(T), a loser < 0.
            List<float[]> pos = b.positives();
            return probe(pos, lasts -> {
                float t = Float.NEGATIVE_INFINITY;
                for (int i = 0; i < pos.size(); i++) {
                    t = Math.max(t, distance.similarity(pos.get(i), lasts.get(i)));
                }
                return Sigmoids.scaledFastSigmoid(t);
            });
        }
        if (distance.ascending()) {
            return null; // the points farthest from a negative: no graph search finds them
        }
        // Dot/Cosine: the farthest from n are the nearest to −n. Outside every list sim(n_j, y) ≥ s_j.
        List<float[]> neg = b.negatives();
        List<float[]> probes = new ArrayList<>();
        neg.forEach(n -> probes.add(negate(n)));
        return probe(probes, lasts -> {
            float s = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < neg.size(); j++) {
                s = Math.max(s, distance.similarity(neg.get(j), lasts.get(j)));
            }
            return -Sigmoids.scaledFastSigmoid(s);
        });
    }

    private List<ScoredPoint> sumScores(RecommendSumScores s) {
        int p = s.positives().size();
        int n = s.negatives().size();
        if (distance == Distance.DOT || distance == Distance.COSINE) {
            float[] w = combination(s.positives(), s.negatives(), 1.0f);
            if (squaredNorm(w) < Distance.NORM_EPSILON) {
                return null;
            }
            return probe(List.of(distance.preprocess(w)), lasts -> withSlack(dot(w, lasts.get(0))));
        }
        if (distance == Distance.EUCLID && p > n) {
            float[] centre = combination(s.positives(), s.negatives(), 1.0f / (p - n));
            return probe(List.of(centre), lasts -> withSlack(q.score(lasts.get(0))));
        }
        if (p == 0) {
            return null;
        }
        return probe(s.positives(), null);
    }

    private List<ScoredPoint> discover(Discover d) {
        List<float[]> probes = new ArrayList<>();
        probes.add(d.target());
        probes.addAll(pairProbes(d.pairs()));
        int pairs = d.pairs().size();
        float[] target = d.target();
        // Outside the target's list sim(target, y) ≤ that of its last point, and the rank ≤ pairs.
        return probe(probes, lasts -> pairs + Sigmoids.scaledFastSigmoid(distance.similarity(target, lasts.get(0))));
    }

    private List<ScoredPoint> context(Context c) {
        List<float[]> probes = pairProbes(c.pairs());
        return probes.isEmpty() ? null : probe(probes, null);
    }

    /** Towards the positive side of each pair: {@code p − n} on Dot/Cosine (linear), {@code p} otherwise. */
    private List<float[]> pairProbes(List<ContextPair> pairs) {
        Set<float[]> probes = new LinkedHashSet<>();
        for (ContextPair pair : pairs) {
            if (distance == Distance.DOT || distance == Distance.COSINE) {
                float[] w = combination(List.of(pair.positive()), List.of(pair.negative()), 1.0f);
                if (squaredNorm(w) >= Distance.NORM_EPSILON) {
                    probes.add(distance.preprocess(w));
                }
            } else {
                probes.add(pair.positive());
            }
        }
        return new ArrayList<>(probes);
    }

    /**
     * Searches the graph once per probe, widening the lists until the result is known complete.
     *
     * @param bound the bound on the score outside all lists, or {@code null} when none is known (then
     *     complete = {@code k} results found)
     * @return the results, or {@code null} to fall back to the scan
     */
    private List<ScoredPoint> probe(List<float[]> probes, Bound bound) {
        int c = Math.max(k, MIN_CANDIDATES);
        while (true) {
            Set<PointId> union = new LinkedHashSet<>();
            List<float[]> lasts = new ArrayList<>(probes.size());
            for (float[] probe : probes) {
                List<VectorSpace.Candidate> list = space.nearest(probe, c, ef(c), accept);
                if (list.size() < c) {
                    return null; // few accepted points, or a graph that cannot reach them: scan
                }
                list.forEach(x -> union.add(x.id()));
                lasts.add(space.get(list.get(list.size() - 1).id()));
            }
            TopK top = new TopK(k, q.ascending());
            union.forEach(id -> offer(top, id, space.get(id)));
            List<ScoredPoint> sorted = top.sorted();
            if (bound == null ? sorted.size() >= k : complete(sorted, bound.outside(lasts))) {
                return sorted;
            }
            if ((long) c * 4 > space.size() / 2) {
                return null;
            }
            c *= 4;
        }
    }

    /** True when no point outside the lists (scoring ≤ {@code outsideMax}) can enter the results. */
    private boolean complete(List<ScoredPoint> sorted, float outsideMax) {
        if (sorted.size() >= k) {
            return sorted.get(k - 1).score() > outsideMax;
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

    private static float[] negate(float[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = -v[i];
        }
        return out;
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
