package dev.sextant.index.search;

import dev.sextant.index.CollectionConfig;
import dev.sextant.index.IndexOptions;
import dev.sextant.index.Point;
import dev.sextant.index.PointId;
import dev.sextant.index.VectorParams;
import dev.sextant.index.query.ResolvedQuery;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One collection's points in one partition: the points with their payloads, and one {@link VectorSpace}
 * per named vector. Answers a {@link ResolvedQuery} with this partition's best {@code offset + limit}
 * results in final order (README §3.2 "Pipeline" steps 1–3; the merge does steps 4–5).
 *
 * <p>Not thread-safe: one Flink subtask thread owns an instance (writes and searches are serialised by
 * the mailbox). Stored points are shared, not copied; callers must not modify them.
 */
public final class CollectionIndex {
    private final CollectionConfig config;
    private final IndexOptions options;
    private final Map<PointId, Point> points = new HashMap<>();
    private final Map<String, VectorSpace> spaces = new LinkedHashMap<>();

    /**
     * @param config the collection's vector spaces
     * @param options index tuning (exact-scan size, graph parameters, default ef)
     */
    public CollectionIndex(CollectionConfig config, IndexOptions options) {
        this.config = config;
        this.options = options;
        config.vectors().forEach((name, params) -> spaces.put(name, new VectorSpace(params, options)));
    }

    public CollectionConfig config() {
        return config;
    }

    /**
     * Inserts or replaces a point (Qdrant's upsert: the new version replaces every vector and the payload).
     *
     * @param point a point validated by {@link dev.sextant.index.Points#fromJson} for this collection
     *     (vector names exist, dimensions match, Cosine vectors normalised)
     * @throws IllegalArgumentException when a vector name or dimension does not fit the collection
     */
    public void upsert(Point point) {
        point.vectors().forEach((name, v) -> {
            VectorParams params = config.vectors().get(name);
            if (params == null || params.size() != v.length) {
                throw new IllegalArgumentException("point " + point.id() + ": vector \"" + name
                        + "\" does not fit the collection " + config);
            }
        });
        Point old = points.put(point.id(), point);
        spaces.forEach((name, space) -> {
            float[] v = point.vectors().get(name);
            if (v != null) {
                space.put(point.id(), v);
            } else if (old != null && old.vectors().containsKey(name)) {
                space.remove(point.id());
            }
        });
    }

    /** Deletes a point; returns false when it was not there. */
    public boolean delete(PointId id) {
        Point old = points.remove(id);
        if (old == null) {
            return false;
        }
        old.vectors().keySet().forEach(name -> spaces.get(name).remove(id));
        return true;
    }

    /** The stored point, or {@code null}. */
    public Point get(PointId id) {
        return points.get(id);
    }

    /** Number of points in this partition. */
    public int size() {
        return points.size();
    }

    /** The vector space of a name ({@link CollectionConfig#UNNAMED} for the unnamed one), or {@code null}. */
    public VectorSpace space(String name) {
        return spaces.get(name);
    }

    /** Every stored point, unmodifiable, in no particular order. */
    public Iterable<Point> points() {
        return Collections.unmodifiableCollection(points.values());
    }

    /**
     * This partition's best {@code offset + limit} results in final order ({@link ResultOrder}), after
     * exclusion, filter and the strict threshold; {@code offset} is not skipped here (see
     * {@link ResultMerge}).
     *
     * <ol>
     *   <li>Without a query: every accepted point in id order, score 0.</li>
     *   <li>Otherwise the {@code using} space is searched by a {@link SearchPlan}: an exact scan of the
     *       accepted points, or graph candidates rescored exactly.</li>
     *   <li>Each result gets its payload and vectors per {@code with_payload} / {@code with_vector}.</li>
     * </ol>
     */
    public List<ScoredPoint> search(ResolvedQuery q) {
        int k = (int) Math.min(Integer.MAX_VALUE, (long) q.offset() + q.limit());
        List<ScoredPoint> hits;
        if (q.query() == null) {
            TopK top = new TopK(k, false);
            points.values().forEach(p -> {
                if (q.accepts(p)) {
                    top.offer(p.id(), 0.0f);
                }
            });
            hits = top.sorted();
        } else {
            VectorSpace space = spaces.get(q.using());
            if (space == null || space.size() == 0) {
                return List.of();
            }
            hits = new SearchPlan(q, space, points, options, k).run();
        }
        List<ScoredPoint> out = new ArrayList<>(hits.size());
        for (ScoredPoint h : hits) {
            Point p = points.get(h.id());
            out.add(new ScoredPoint(h.id(), h.score(), q.withPayload().select(p.payload()),
                    q.withVector().select(p.vectors(), config.named())));
        }
        return out;
    }
}
