package dev.sextant.bench.e2e;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sextant.bench.Dataset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The request kinds of issue 5 as protocol-v1 request bodies: nearest to a held-out vector; recommend with
 * {@code average_vector}, {@code best_score} and {@code sum_scores} (3 positive and 2 negative example ids);
 * discover (a target id and 2 context pairs); context (2 pairs); a {@code query_batch} of 8 searches (two of
 * each of nearest, {@code average_vector}, discover and context); and each of these with the dataset's
 * selective filter (about 2 % of the points, {@link Dataset#filterJson()}). Every search asks for
 * {@code limit} 10 without payload, so that the response size does not dominate.
 *
 * <p>Example ids are drawn uniformly from the indexed points, so they are spread over the data and excluded
 * from the results (decision D8). A given seed gives the same bodies in every run and on every JDK.
 */
public enum RequestKind {
    NEAREST("nearest", false),
    AVERAGE_VECTOR("recommend average_vector 3+2", false),
    BEST_SCORE("recommend best_score 3+2", false),
    SUM_SCORES("recommend sum_scores 3+2", false),
    DISCOVER("discover, target + 2 pairs", false),
    CONTEXT("context, 2 pairs", false),
    BATCH("query_batch of 8", false),
    NEAREST_FILTERED("nearest + filter", true),
    AVERAGE_VECTOR_FILTERED("average_vector + filter", true),
    BEST_SCORE_FILTERED("best_score + filter", true),
    SUM_SCORES_FILTERED("sum_scores + filter", true),
    DISCOVER_FILTERED("discover + filter", true),
    CONTEXT_FILTERED("context + filter", true),
    BATCH_FILTERED("query_batch of 8 + filter", true);

    /** Searches in one {@link #BATCH} request. */
    public static final int BATCH_SIZE = 8;
    /** Results per search. */
    public static final int LIMIT = 10;

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** How tables show the kind. */
    public final String label;
    /** Whether every search of the request carries the selective filter. */
    public final boolean filtered;

    RequestKind(String label, boolean filtered) {
        this.label = label;
        this.filtered = filtered;
    }

    /** Lower-case id for CSV rows, JSON keys and file names, e.g. {@code average_vector_filtered}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the request is a {@code query_batch}. */
    public boolean batch() {
        return this == BATCH || this == BATCH_FILTERED;
    }

    /** The protocol's {@code op}: {@code query} or {@code query_batch}. */
    public String op() {
        return batch() ? "query_batch" : "query";
    }

    /** The kinds whose names are given, comma-separated ({@code all} for every kind). */
    public static List<RequestKind> parse(String list) {
        if (list.isBlank() || list.equals("all")) {
            return List.of(values());
        }
        List<RequestKind> kinds = new ArrayList<>();
        for (String s : list.split(",")) {
            kinds.add(valueOf(s.trim().toUpperCase(Locale.ROOT)));
        }
        return kinds;
    }

    /**
     * {@code n} request bodies of this kind, seeded: {@code /points/query} bodies, or {@code /points/query/batch}
     * bodies ({@code {"searches":[…]}}) for the batch kinds.
     *
     * @param seed equal seeds give equal bodies
     */
    public List<ObjectNode> bodies(Dataset data, int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed ^ ((long) ordinal() << 32));
        List<ObjectNode> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(body(data, random));
        }
        return out;
    }

    private ObjectNode body(Dataset data, SplittableRandom random) {
        if (!batch()) {
            return search(single(), data, random, filtered);
        }
        ObjectNode body = JSON.objectNode();
        ArrayNode searches = body.putArray("searches");
        RequestKind[] mix = {NEAREST, AVERAGE_VECTOR, DISCOVER, CONTEXT};
        for (int i = 0; i < BATCH_SIZE; i++) {
            searches.add(search(mix[i % mix.length], data, random, filtered));
        }
        return body;
    }

    /** The unfiltered, non-batch kind of the same query. */
    private RequestKind single() {
        return filtered ? values()[ordinal() - NEAREST_FILTERED.ordinal()] : this;
    }

    private static ObjectNode search(RequestKind kind, Dataset data, SplittableRandom random, boolean filtered) {
        ObjectNode body = JSON.objectNode();
        switch (kind) {
            case NEAREST -> {
                ArrayNode v = body.putArray("query");
                for (float x : data.queries()[random.nextInt(data.queries().length)]) {
                    v.add(x);
                }
            }
            case AVERAGE_VECTOR -> body.set("query", recommend(ids(data, random, 5), "average_vector"));
            case BEST_SCORE -> body.set("query", recommend(ids(data, random, 5), "best_score"));
            case SUM_SCORES -> body.set("query", recommend(ids(data, random, 5), "sum_scores"));
            case DISCOVER -> {
                List<Long> ids = ids(data, random, 5);
                body.putObject("query").putObject("discover").put("target", ids.get(0))
                        .set("context", pairs(ids.subList(1, 5)));
            }
            case CONTEXT -> body.putObject("query").set("context", pairs(ids(data, random, 4)));
            default -> throw new IllegalArgumentException("not a single search kind: " + kind);
        }
        body.put("limit", LIMIT);
        if (filtered) {
            ObjectNode must = JSON.objectNode();
            must.put("key", data.filterKey());
            must.putObject("match").put("value", data.filterValue());
            body.putObject("filter").putArray("must").add(must);
        }
        return body;
    }

    /** {@code n} distinct ids of indexed points. */
    private static List<Long> ids(Dataset data, SplittableRandom random, int n) {
        Set<Long> ids = new LinkedHashSet<>();
        while (ids.size() < n) {
            ids.add(data.ids()[random.nextInt(data.size())]);
        }
        return new ArrayList<>(ids);
    }

    private static ObjectNode recommend(List<Long> ids, String strategy) {
        ObjectNode q = JSON.objectNode();
        ObjectNode r = q.putObject("recommend");
        ArrayNode pos = r.putArray("positive");
        ids.subList(0, 3).forEach(pos::add);
        ArrayNode neg = r.putArray("negative");
        ids.subList(3, 5).forEach(neg::add);
        r.put("strategy", strategy);
        return q;
    }

    private static ArrayNode pairs(List<Long> ids) {
        ArrayNode pairs = JSON.arrayNode();
        for (int i = 0; i + 1 < ids.size(); i += 2) {
            pairs.addObject().put("positive", ids.get(i)).put("negative", ids.get(i + 1));
        }
        return pairs;
    }

    /**
     * A copy of a body with {@code params.exact: true} on every search: the exact answer the recall is measured
     * against (every partition scans, every score is exact).
     */
    public static ObjectNode exact(ObjectNode body) {
        ObjectNode copy = body.deepCopy();
        if (copy.has("searches")) {
            copy.get("searches").forEach(s -> ((ObjectNode) s).putObject("params").put("exact", true));
        } else {
            copy.putObject("params").put("exact", true);
        }
        return copy;
    }
}
