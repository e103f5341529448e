package dev.sextant.index.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sextant.index.CollectionConfig;
import dev.sextant.index.Distance;
import dev.sextant.index.IndexOptions;
import dev.sextant.index.Point;
import dev.sextant.index.PointId;
import dev.sextant.index.graph.Vectorization;
import dev.sextant.index.query.QueryParser;
import dev.sextant.index.query.ResolvedQuery;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Recall@10 of every query kind against exact brute force on real data ({@link DebianPackages}), through the
 * whole index path: JSON body → {@link QueryParser} → {@code resolve} (id examples read from the index) →
 * {@link CollectionIndex#search}. One {@code CollectionIndex} at default {@link IndexOptions} holds a fixed,
 * alphabet-spread sample (packages 0, 1, 5, 6, 10, 11, … of the file: 19,778 points, so every search is
 * above the exact-scan size and takes the graph path); its other packages are query vectors. The truth is the
 * same request with {@code "params": {"exact": true}} on the same index.
 *
 * <p><b>Recall with ties.</b> A returned point counts as correct when its exact score is at least the exact
 * 10th-best score (at most, for an ascending distance). Points tied at the cut-off are interchangeable: every
 * point on the positive side of all context pairs scores exactly 0.0, and thousands do, so the exact answer is
 * "the smallest ids among them" (decision D4), which no nearest-neighbour search can enumerate, while any ten of
 * them are an equally good answer. Recall@10 = correct returned points / exact results (10 unless the filter
 * admits fewer). Returned scores are checked to be the exact scores of the returned points.
 *
 * <p>Queries are seeded per kind and filter; examples are ids of indexed points (excluded from the results,
 * D8) and, for nearest, held-out vectors. Each kind runs without a filter, under a filter admitting 27 % of the
 * points (three sections; the graph path, with the filter pushed into the graph search) and under a single
 * section admitting 2 % (a filter that admits fewer points than the exact-scan size: an exact scan). Asserted:
 * recall@10 ≥ {@value #FLOOR} at the default ef for every kind and filter. Printed: recall and mean time per
 * query at {@code hnsw_ef} 32, 64, 100 (the default) and 200 (timings are informative only).
 */
class QueryRecallTest {
    static final int K = 10;
    static final int QUERIES = 40;
    static final double FLOOR = 0.98;
    static final int[] EFS = {32, 64, 0, 200}; // 0: no hnsw_ef, the default (IndexOptions.defaultEf = 100)

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final String COLLECTION = "debian";
    private static final CollectionConfig CONFIG = CollectionConfig.single(DebianPackages.DIMENSION, Distance.COSINE);

    private static CollectionIndex index;
    private static List<DebianPackages.Package> indexed;
    private static List<DebianPackages.Package> heldOut;
    /** Printed at the end: one line per kind and filter. */
    private static final Map<String, String> TABLE = new TreeMap<>();

    /** A filter of the test, with the JSON body it is sent as. */
    enum Filter {
        NONE(null),
        SECTIONS_27_PERCENT("{\"must\": {\"key\": \"section\", \"match\": {\"any\": [\"python\", \"doc\", \"perl\"]}}}"),
        SECTION_2_PERCENT("{\"must\": {\"key\": \"section\", \"match\": {\"value\": \"games\"}}}");

        final String json;

        Filter(String json) {
            this.json = json;
        }
    }

    /** A query kind and how to draw one seeded query of it (the {@code query} value of the body). */
    enum Kind {
        NEAREST(r -> vectorJson(heldOut.get(r.nextInt(heldOut.size())).vector())),
        AVERAGE_VECTOR(r -> recommend(ids(r, 5), 3, "average_vector")),
        BEST_SCORE(r -> recommend(ids(r, 5), 3, "best_score")),
        BEST_SCORE_NEGATIVES_ONLY(r -> recommend(ids(r, 2), 0, "best_score")),
        SUM_SCORES(r -> recommend(ids(r, 5), 3, "sum_scores")),
        DISCOVER(r -> {
            List<Long> ids = ids(r, 5);
            ObjectNode d = JSON.objectNode();
            d.putObject("discover").put("target", ids.get(0)).set("context", pairs(ids.subList(1, 5)));
            return d;
        }),
        CONTEXT(r -> {
            ObjectNode c = JSON.objectNode();
            c.set("context", pairs(ids(r, 4)));
            return c;
        });

        final Function<Random, JsonNode> draw;

        Kind(Function<Random, JsonNode> draw) {
            this.draw = draw;
        }
    }

    /** {@code n} distinct ids of indexed points, drawn uniformly (so examples are spread over the data). */
    static List<Long> ids(Random r, int n) {
        Set<Long> ids = new LinkedHashSet<>();
        while (ids.size() < n) {
            ids.add(indexed.get(r.nextInt(indexed.size())).id());
        }
        return new ArrayList<>(ids);
    }

    @BeforeAll
    static void buildIndex() {
        List<DebianPackages.Package> all = DebianPackages.read(DebianPackages.SIZE, true);
        assertEquals(DebianPackages.SIZE, all.size(), "records read from " + DebianPackages.FILE.toAbsolutePath());
        indexed = new ArrayList<>();
        heldOut = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            (i % 5 < 2 ? indexed : heldOut).add(all.get(i));
        }
        index = new CollectionIndex(CONFIG, IndexOptions.defaults());
        long start = System.nanoTime();
        for (DebianPackages.Package p : indexed) {
            index.upsert(new Point(PointId.of(p.id()), Map.of(CollectionConfig.UNNAMED, p.vector()), p.payload()));
        }
        System.out.printf("query recall test: %s, Java %d; %d points indexed in %.1f s; %s%n",
                Vectorization.providerName(), Runtime.version().feature(), indexed.size(),
                (System.nanoTime() - start) / 1e9, index.space(CollectionConfig.UNNAMED).stats());
    }

    @AfterAll
    static void printTable() {
        System.out.printf("recall@10 (ties at the cut-off count) and mean ms per query, %d queries per row:%n", QUERIES);
        System.out.printf("%-26s %-20s %s%n", "kind", "filter", "ef=32 | ef=64 | ef=100 (default) | ef=200");
        TABLE.values().forEach(System.out::println);
    }

    static Stream<Arguments> kindsAndFilters() {
        List<Arguments> out = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            for (Filter filter : Filter.values()) {
                out.add(Arguments.of(kind, filter));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("kindsAndFilters")
    void recallAtTheDefaultEfIsAtLeastTheFloor(Kind kind, Filter filter) {
        Random random = new Random(20261129L * 31 + kind.ordinal() * 7L + filter.ordinal());
        List<ObjectNode> bodies = new ArrayList<>();
        List<List<ScoredPoint>> truths = new ArrayList<>();
        for (int i = 0; i < QUERIES; i++) {
            ObjectNode body = JSON.objectNode();
            body.set("query", kind.draw.apply(random));
            body.put("limit", K);
            if (filter.json != null) {
                body.set("filter", parse(filter.json));
            }
            bodies.add(body);
            ObjectNode exact = body.deepCopy();
            exact.putObject("params").put("exact", true);
            truths.add(index.search(resolve(exact)));
        }
        // the scan path ignores ef: one pass at the default is enough there
        int[] efs = filter == Filter.SECTION_2_PERCENT ? new int[] {0} : EFS;
        Map<Integer, double[]> byEf = new TreeMap<>();
        for (int ef : efs) {
            byEf.put(ef, measure(bodies, truths, ef));
        }
        StringBuilder row = new StringBuilder(String.format("%-26s %-20s", kind, filter));
        for (int ef : EFS) {
            double[] m = byEf.get(ef);
            row.append(m == null ? "        –        " : String.format(" %.4f %6.2f ms", m[0], m[1])).append(" |");
        }
        TABLE.put(String.format("%02d%02d", kind.ordinal(), filter.ordinal()), row.toString());
        double recall = byEf.get(0)[0];
        assertTrue(recall >= FLOOR, String.format("%s %s: recall@10 at the default ef is %.4f, below %.2f",
                kind, filter, recall, FLOOR));
    }

    /**
     * Runs every body with {@code hnsw_ef} ({@code 0}: none) and returns {recall@10 with ties, mean ms per
     * search}.
     */
    private static double[] measure(List<ObjectNode> bodies, List<List<ScoredPoint>> truths, int ef) {
        long correct = 0;
        long wanted = 0;
        long nanos = 0;
        for (int i = 0; i < bodies.size(); i++) {
            ObjectNode body = bodies.get(i).deepCopy();
            if (ef > 0) {
                body.putObject("params").put("hnsw_ef", ef);
            }
            ResolvedQuery q = resolve(body);
            long start = System.nanoTime();
            List<ScoredPoint> found = index.search(q);
            nanos += System.nanoTime() - start;
            List<ScoredPoint> truth = truths.get(i);
            wanted += truth.size();
            if (truth.isEmpty()) {
                continue;
            }
            float cutOff = truth.get(truth.size() - 1).score();
            for (ScoredPoint p : found) {
                float exact = q.score(index.get(p.id()).vectors().get(CollectionConfig.UNNAMED));
                assertEquals(exact, p.score(), "the score of " + p.id() + " is not its exact score");
                if (q.ascending() ? exact <= cutOff : exact >= cutOff) {
                    correct++;
                }
            }
        }
        return new double[] {correct / (double) wanted, nanos / 1e6 / bodies.size()};
    }

    private static ResolvedQuery resolve(ObjectNode body) {
        return QueryParser.parse(body).resolve(COLLECTION, name -> name.equals(COLLECTION) ? CONFIG : null,
                ref -> index.get(ref.id()));
    }

    private static ObjectNode recommend(List<Long> ids, int positives, String strategy) {
        ObjectNode q = JSON.objectNode();
        ObjectNode r = q.putObject("recommend");
        ArrayNode pos = r.putArray("positive");
        ids.subList(0, positives).forEach(pos::add);
        ArrayNode neg = r.putArray("negative");
        ids.subList(positives, ids.size()).forEach(neg::add);
        r.put("strategy", strategy);
        return q;
    }

    /** Pairs of consecutive ids: positive, negative. */
    private static ArrayNode pairs(List<Long> ids) {
        ArrayNode pairs = JSON.arrayNode();
        for (int i = 0; i + 1 < ids.size(); i += 2) {
            pairs.addObject().put("positive", ids.get(i)).put("negative", ids.get(i + 1));
        }
        return pairs;
    }

    private static ArrayNode vectorJson(float[] v) {
        ArrayNode a = JSON.arrayNode(v.length);
        for (float x : v) {
            a.add(x);
        }
        return a;
    }

    private static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(json, e);
        }
    }
}
