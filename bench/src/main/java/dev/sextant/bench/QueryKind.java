package dev.sextant.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The query kinds of issue 5, each as the body of a Qdrant {@code /points/query} request drawn from a seeded
 * random source: examples are ids of indexed points drawn uniformly (so they are spread over the data and
 * excluded from the results, decision D8), nearest takes a held-out query vector, and the filtered kinds add the
 * dataset's selective filter (about 2 % of the points).
 */
public enum QueryKind {
    NEAREST("nearest", false),
    NEAREST_FILTERED("nearest + filter", true),
    AVERAGE_VECTOR("average_vector 3+2", false),
    AVERAGE_VECTOR_FILTERED("average_vector 3+2 + filter", true),
    BEST_SCORE("best_score 3+2", false),
    SUM_SCORES("sum_scores 3+2", false),
    DISCOVER("discover, target + 2 pairs", false),
    CONTEXT("context, 2 pairs", false);

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** How tables show the kind. */
    public final String label;
    /** Whether the body carries the selective filter. */
    public final boolean filtered;

    QueryKind(String label, boolean filtered) {
        this.label = label;
        this.filtered = filtered;
    }

    /** A lower-case id for CSV columns and file names, e.g. {@code average_vector_filtered}. */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * One request body with {@code limit} 10.
     *
     * @param queryIndex which held-out query vector a nearest kind uses
     */
    public ObjectNode body(Dataset data, SplittableRandom random, int queryIndex) {
        ObjectNode body = JSON.objectNode();
        body.set("query", query(data, random, queryIndex));
        body.put("limit", 10);
        if (filtered) {
            ObjectNode must = JSON.objectNode();
            must.put("key", data.filterKey());
            must.putObject("match").put("value", data.filterValue());
            body.putObject("filter").putArray("must").add(must);
        }
        return body;
    }

    private JsonNode query(Dataset data, SplittableRandom random, int queryIndex) {
        switch (this) {
            case NEAREST:
            case NEAREST_FILTERED: {
                ArrayNode v = JSON.arrayNode();
                for (float x : data.queries()[queryIndex % data.queries().length]) {
                    v.add(x);
                }
                return v;
            }
            case AVERAGE_VECTOR:
            case AVERAGE_VECTOR_FILTERED:
                return recommend(ids(data, random, 5), "average_vector");
            case BEST_SCORE:
                return recommend(ids(data, random, 5), "best_score");
            case SUM_SCORES:
                return recommend(ids(data, random, 5), "sum_scores");
            case DISCOVER: {
                List<Long> ids = ids(data, random, 5);
                ObjectNode q = JSON.objectNode();
                q.putObject("discover").put("target", ids.get(0)).set("context", pairs(ids.subList(1, 5)));
                return q;
            }
            default: {
                ObjectNode q = JSON.objectNode();
                q.set("context", pairs(ids(data, random, 4)));
                return q;
            }
        }
    }

    /** {@code n} distinct ids of indexed points. */
    private static List<Long> ids(Dataset data, SplittableRandom random, int n) {
        Set<Long> ids = new LinkedHashSet<>();
        while (ids.size() < n) {
            ids.add(data.ids()[random.nextInt(data.size())]);
        }
        return new ArrayList<>(ids);
    }

    /** 3 positives, 2 negatives. */
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

    /** Consecutive ids as (positive, negative) pairs. */
    private static ArrayNode pairs(List<Long> ids) {
        ArrayNode pairs = JSON.arrayNode();
        for (int i = 0; i + 1 < ids.size(); i += 2) {
            pairs.addObject().put("positive", ids.get(i)).put("negative", ids.get(i + 1));
        }
        return pairs;
    }
}
