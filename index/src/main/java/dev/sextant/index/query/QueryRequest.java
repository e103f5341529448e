package dev.sextant.index.query;

import dev.sextant.index.CollectionConfig;
import dev.sextant.index.Distance;
import dev.sextant.index.Point;
import dev.sextant.index.PointId;
import dev.sextant.index.Points;
import dev.sextant.index.QdrantException;
import dev.sextant.index.VectorParams;
import dev.sextant.index.filter.Filter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * One {@code /points/query} request as parsed by {@link QueryParser}: the query as written (ids not yet
 * replaced by vectors) and its options. Immutable.
 *
 * <p>Its life: {@link QueryParser#parse} (format and JSON validation errors) → {@link #validate} (checks
 * against the collection catalog, no stored point needed) → {@link #exampleIds} (the points to fetch) →
 * {@link #resolve} (checks needing the stored points; produces the self-contained {@link ResolvedQuery}).
 * For a batch, run each step for every item in order and fail the whole batch with the first error
 * (decision D7).
 *
 * @param query the query, or {@code null} for a request without one (points in id order, score 0)
 * @param using the vector name searched ({@link CollectionConfig#UNNAMED} for the unnamed vector)
 * @param filter the parsed filter, or {@code null}
 * @param filterJson the filter as written (compact JSON), or {@code null}; travels with the resolved query
 * @param params {@code params}
 * @param limit results wanted, ≥ 1 (default 10)
 * @param offset results skipped, ≥ 0 (default 0)
 * @param scoreThreshold {@code score_threshold}, or {@code null}
 * @param withPayload {@code with_payload}
 * @param withVector {@code with_vector}
 * @param lookupFrom {@code lookup_from}, or {@code null}
 */
public record QueryRequest(
        QuerySpec query,
        String using,
        Filter filter,
        String filterJson,
        SearchParams params,
        int limit,
        int offset,
        Float scoreThreshold,
        PayloadSelector withPayload,
        VectorSelector withVector,
        LookupFrom lookupFrom) {

    /** The default {@code limit} (Qdrant's). */
    public static final int DEFAULT_LIMIT = 10;

    /**
     * Checks everything that needs no stored point, in this order: the searched collection exists, the
     * {@code using} vector exists, the {@code lookup_from} collection and vector exist, every raw vector
     * has the {@code using} dimension, and {@code with_vector} names exist.
     *
     * @param collection the searched collection
     * @param catalog collection configs by name; returns {@code null} for an unknown collection
     * @throws QdrantException 404 "Not found: Collection `c` doesn't exist!" (searched collection);
     *     400 "Wrong input: Not existing vector name error: NAME"; 404 "Not found: Collection C not found"
     *     ({@code lookup_from}); 400 "Wrong input: Vector dimension error: expected dim: N, got M"
     */
    public void validate(String collection, Function<String, CollectionConfig> catalog) {
        CollectionConfig config = catalog.apply(collection);
        if (config == null) {
            throw QdrantException.collectionNotFound(collection);
        }
        VectorParams params = space(config);
        if (lookupFrom != null) {
            CollectionConfig lookup = catalog.apply(lookupFrom.collection());
            if (lookup == null) {
                throw QdrantException.notFound("Collection " + lookupFrom.collection() + " not found");
            }
            lookup.params(lookupVector());
        }
        if (query != null) {
            for (Example e : query.examples()) {
                if (e instanceof Example.Vector v && v.values().length != params.size()) {
                    throw Points.dimensionError(params.size(), v.values().length);
                }
            }
        }
        for (String name : withVector.names()) {
            if (!config.vectors().containsKey(name)) {
                throw QdrantException.badRequest("Wrong input: Not existing vector name error: " + name);
            }
        }
    }

    /**
     * The searched space. A request without a query searches no space (it lists points in id order), so
     * the default {@code using} of a named-vector collection is no error there.
     */
    private VectorParams space(CollectionConfig config) {
        if (query == null && using.equals(CollectionConfig.UNNAMED) && !config.vectors().containsKey(using)) {
            return config.vectors().values().iterator().next();
        }
        return config.params(using);
    }

    /** The vector name id examples are read from: {@code lookup_from.vector}, else {@code using}. */
    public String lookupVector() {
        return lookupFrom != null && lookupFrom.vector() != null ? lookupFrom.vector() : using;
    }

    /** The collection id examples are read from: {@code lookup_from.collection}, else the searched one. */
    public String lookupCollection(String collection) {
        return lookupFrom != null ? lookupFrom.collection() : collection;
    }

    /**
     * The distinct id examples to fetch, in request order, each with the collection it is read from.
     *
     * @param collection the searched collection
     */
    public List<ExampleRef> exampleIds(String collection) {
        if (query == null) {
            return List.of();
        }
        String from = lookupCollection(collection);
        Set<ExampleRef> refs = new LinkedHashSet<>();
        for (Example e : query.examples()) {
            if (e instanceof Example.Id id) {
                refs.add(new ExampleRef(from, id.id()));
            }
        }
        return List.copyOf(refs);
    }

    /**
     * Replaces every id example by its stored vector and builds the query that partitions score.
     *
     * <ol>
     *   <li>Re-runs {@link #validate} (cheap; the catalog may have changed since).</li>
     *   <li>Reads each id example from {@code lookup_from} or the searched collection, in request order;
     *       the first failure is reported.</li>
     *   <li>Records the ids to exclude from the results (decision D8: all id examples, unless read from
     *       a different collection).</li>
     *   <li>Preprocesses for the searched metric: {@code average_vector} becomes a nearest search with
     *       {@code 2·avg(pos) − avg(neg)} (or {@code avg(pos)}), normalised on Cosine after averaging;
     *       the other kinds normalise each example on Cosine (README §2).</li>
     * </ol>
     *
     * @param collection the searched collection
     * @param catalog collection configs by name ({@code null} = unknown)
     * @param stored the stored point for an example reference, or {@code null} when there is none
     * @throws QdrantException the errors of {@link #validate}; 404 "Not found: No point with id ID found"; 404 "Not
     *     found: Vector with name "NAME" for point ID"; 400 dimension error for a vector read through
     *     {@code lookup_from}; 400 "Positive vectors should not be empty with `average` strategy"
     */
    public ResolvedQuery resolve(String collection, Function<String, CollectionConfig> catalog,
            Function<ExampleRef, Point> stored) {
        validate(collection, catalog);
        VectorParams params = space(catalog.apply(collection));
        Distance distance = params.distance();
        String from = lookupCollection(collection);
        boolean excludeIds = from.equals(collection);
        Set<PointId> excluded = new TreeSet<>();
        Function<Example, float[]> vectorOf = example -> {
            if (example instanceof Example.Vector v) {
                return v.values();
            }
            PointId id = ((Example.Id) example).id();
            Point point = stored.apply(new ExampleRef(from, id));
            if (point == null) {
                throw QdrantException.notFound("No point with id " + id + " found");
            }
            float[] v = point.vectors().get(lookupVector());
            if (v == null) {
                throw QdrantException.notFound("Vector with name \"" + lookupVector() + "\" for point " + id);
            }
            if (v.length != params.size()) {
                throw Points.dimensionError(params.size(), v.length);
            }
            if (excludeIds) {
                excluded.add(id);
            }
            return v;
        };
        Query resolved = query == null ? null : build(query, vectorOf, distance);
        return new ResolvedQuery(using, distance, resolved, filterJson, List.copyOf(excluded), limit, offset,
                scoreThreshold, withPayload, withVector, params());
    }

    private static Query build(QuerySpec spec, Function<Example, float[]> vectorOf, Distance distance) {
        if (spec instanceof QuerySpec.Nearest n) {
            return new Nearest(distance.preprocess(vectorOf.apply(n.example())));
        }
        if (spec instanceof QuerySpec.Recommend r) {
            List<float[]> pos = vectors(r.positive(), vectorOf);
            List<float[]> neg = vectors(r.negative(), vectorOf);
            switch (r.strategy()) {
                case AVERAGE_VECTOR:
                    if (pos.isEmpty()) {
                        throw QueryParser.averageWithoutPositives();
                    }
                    float[] average = distance.preprocess(finite(averageQuery(pos, neg)));
                    return new Nearest(average, pos.size() + neg.size() > 1);
                case BEST_SCORE:
                    return new RecommendBestScore(preprocess(pos, distance), preprocess(neg, distance));
                default:
                    return new RecommendSumScores(preprocess(pos, distance), preprocess(neg, distance));
            }
        }
        if (spec instanceof QuerySpec.Discover d) {
            float[] target = distance.preprocess(vectorOf.apply(d.target()));
            return new Discover(target, pairs(d.context(), vectorOf, distance));
        }
        QuerySpec.Context c = (QuerySpec.Context) spec;
        return new Context(pairs(c.pairs(), vectorOf, distance));
    }

    private static List<float[]> vectors(List<Example> examples, Function<Example, float[]> vectorOf) {
        List<float[]> out = new ArrayList<>(examples.size());
        examples.forEach(e -> out.add(vectorOf.apply(e)));
        return out;
    }

    private static List<float[]> preprocess(List<float[]> vectors, Distance distance) {
        List<float[]> out = new ArrayList<>(vectors.size());
        vectors.forEach(v -> out.add(distance.preprocess(v)));
        return out;
    }

    private static List<ContextPair> pairs(List<ExamplePair> pairs, Function<Example, float[]> vectorOf,
            Distance distance) {
        List<ContextPair> out = new ArrayList<>(pairs.size());
        for (ExamplePair p : pairs) {
            float[] pos = distance.preprocess(vectorOf.apply(p.positive()));
            float[] neg = distance.preprocess(vectorOf.apply(p.negative()));
            out.add(new ContextPair(pos, neg));
        }
        return out;
    }

    /**
     * {@code 2·avg(pos) − avg(neg)}, or {@code avg(pos)} without negatives (README §2.2, decision D1),
     * averaged in float32 as Qdrant does.
     */
    static float[] averageQuery(List<float[]> positives, List<float[]> negatives) {
        float[] avgPos = average(positives);
        if (negatives.isEmpty()) {
            return avgPos;
        }
        float[] avgNeg = average(negatives);
        float[] q = new float[avgPos.length];
        for (int i = 0; i < q.length; i++) {
            q[i] = 2.0f * avgPos[i] - avgNeg[i];
        }
        return q;
    }

    private static float[] average(List<float[]> vectors) {
        float[] sum = new float[vectors.get(0).length];
        for (float[] v : vectors) {
            for (int i = 0; i < sum.length; i++) {
                sum[i] += v[i];
            }
        }
        for (int i = 0; i < sum.length; i++) {
            sum[i] /= vectors.size();
        }
        return sum;
    }

    private static float[] finite(float[] v) {
        for (float x : v) {
            if (!Float.isFinite(x)) {
                throw QdrantException.badRequest("Bad request: the average of the examples overflows float32");
            }
        }
        return v;
    }
}
