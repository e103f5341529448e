package dev.sextant.index.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sextant.index.CollectionConfig;
import dev.sextant.index.PointId;
import dev.sextant.index.Points;
import dev.sextant.index.QdrantException;
import dev.sextant.index.filter.Filter;
import dev.sextant.index.filter.FilterParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Parses Query API bodies ({@code POST /collections/{c}/points/query} and {@code .../query/batch}) into
 * {@link QueryRequest}s, with Qdrant's three error stages in Qdrant's order:
 *
 * <ol>
 *   <li><b>Format</b> (400 "Format error in JSON body: ..."): wrong JSON types or shapes, unknown or
 *       unsupported query kinds and strategies, non-finite numbers, negative {@code limit}/{@code offset}.</li>
 *   <li><b>Validation</b> (422 "Validation error in JSON body: ..."): {@code limit} below 1, a recommend
 *       without examples.</li>
 *   <li><b>Request rules</b> (400 "Bad request: ..."): {@code score_threshold} without a query,
 *       {@code average_vector} with negatives only.</li>
 * </ol>
 *
 * For a batch each stage runs over all items before the next stage starts, so a 422 in any item wins
 * over a request-rule error in an earlier one (decision D7). Unknown top-level fields are ignored, as
 * Qdrant does; unknown fields of a filter are errors, as in Qdrant.
 *
 * <p>Sextant's own {@link RequestLimits} (not Qdrant's) are checked last, as a fourth stage (400
 * "Bad request: ..." naming the limit and its job option), except the number of searches of a batch, which
 * is checked before any search is read.
 */
public final class QueryParser {
    private static final Set<String> UNSUPPORTED_KINDS =
            Set.of("order_by", "fusion", "rrf", "formula", "sample", "relevance_feedback", "mmr");

    private QueryParser() {}

    /**
     * Parses one query body under {@link RequestLimits#DEFAULTS}.
     *
     * @throws QdrantException 400 / 422 as described in the class comment
     */
    public static QueryRequest parse(JsonNode body) {
        return parse(body, RequestLimits.DEFAULTS);
    }

    /**
     * Parses one query body and checks it against {@code limits}.
     *
     * @throws QdrantException 400 / 422 as described in the class comment
     */
    public static QueryRequest parse(JsonNode body, RequestLimits limits) {
        QueryRequest r = shape(body, "");
        validation(r, "");
        rules(r);
        limits.check(r, "");
        return r;
    }

    /** {@link #parseBatch(JsonNode, RequestLimits)} under {@link RequestLimits#DEFAULTS}. */
    public static List<QueryRequest> parseBatch(JsonNode body) {
        return parseBatch(body, RequestLimits.DEFAULTS);
    }

    /**
     * Parses a batch body {@code {"searches": [query body, ...]}}; the result has one request per search,
     * in order.
     *
     * @throws QdrantException the first error of the earliest stage, over all items (decision D7); a batch
     *     of more searches than {@code limits} allow is refused before its searches are read
     */
    public static List<QueryRequest> parseBatch(JsonNode body, RequestLimits limits) {
        if (body == null || !body.isObject()) {
            throw format("", "expected a JSON object, got " + describe(body));
        }
        JsonNode searches = body.get("searches");
        if (searches == null || searches.isNull()) {
            throw format("", "missing field `searches`");
        }
        if (!searches.isArray()) {
            throw format("searches", "expected a list of query requests, got " + describe(searches));
        }
        limits.checkBatch(searches.size());
        List<QueryRequest> out = new ArrayList<>(searches.size());
        for (int i = 0; i < searches.size(); i++) {
            out.add(shape(searches.get(i), "searches[" + i + "]."));
        }
        for (int i = 0; i < out.size(); i++) {
            validation(out.get(i), "searches[" + i + "].");
        }
        out.forEach(QueryParser::rules);
        for (int i = 0; i < out.size(); i++) {
            limits.check(out.get(i), "searches[" + i + "].");
        }
        return List.copyOf(out);
    }

    // ---------------------------------------------------------------- stage 1: format

    private static QueryRequest shape(JsonNode body, String at) {
        if (body == null || !body.isObject()) {
            throw format(at.isEmpty() ? "" : at.substring(0, at.length() - 1), "expected a JSON object, got " + describe(body));
        }
        if (present(body.get("prefetch"))) {
            throw format(at + "prefetch", "prefetch is not supported; send a single-stage query");
        }
        if (present(body.get("shard_key"))) {
            throw format(at + "shard_key", "shard keys are not supported");
        }
        QuerySpec query = present(body.get("query")) ? query(body.get("query"), at + "query") : null;
        String using = optionalString(body.get("using"), at + "using");
        Filter filter = null;
        String filterJson = null;
        if (present(body.get("filter"))) {
            filter = FilterParser.parse(body.get("filter"), at + "filter");
            filterJson = body.get("filter").toString();
        }
        JsonNode withVector = body.has("with_vector") ? body.get("with_vector") : body.get("with_vectors");
        return new QueryRequest(
                query,
                using == null ? CollectionConfig.UNNAMED : using,
                filter,
                filterJson,
                params(body.get("params"), at + "params"),
                (int) Math.min(Integer.MAX_VALUE, unsigned(body.get("limit"), at + "limit", QueryRequest.DEFAULT_LIMIT)),
                (int) Math.min(Integer.MAX_VALUE, unsigned(body.get("offset"), at + "offset", 0)),
                threshold(body.get("score_threshold"), at + "score_threshold"),
                PayloadSelector.parse(body.get("with_payload"), at + "with_payload"),
                VectorSelector.parse(withVector, at + "with_vector"),
                lookupFrom(body.get("lookup_from"), at + "lookup_from"));
    }

    private static QuerySpec query(JsonNode q, String at) {
        if (q.isArray() || q.isNumber() || q.isTextual()) {
            return new QuerySpec.Nearest(example(q, at));
        }
        if (!q.isObject()) {
            throw format(at, "expected a vector, a point id or a query object, got " + describe(q));
        }
        if (q.has("indices") && q.has("values")) {
            throw format(at, "sparse vectors are not supported");
        }
        String kind = null;
        for (var it = q.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (UNSUPPORTED_KINDS.contains(k) && !(k.equals("mmr") && q.has("nearest") && !present(q.get("mmr")))) {
                throw format(at, "the `" + k + "` query is not supported; supported: nearest, recommend, discover, context");
            }
            if (Set.of("nearest", "recommend", "discover", "context").contains(k)) {
                if (kind != null) {
                    throw format(at, "expected exactly one query kind, got `" + kind + "` and `" + k + "`");
                }
                kind = k;
            } else if (!k.equals("mmr")) {
                throw format(at, "unknown variant `" + k + "`, expected one of `nearest`, `recommend`, `discover`, `context`");
            }
        }
        if (kind == null) {
            throw format(at, "expected one of `nearest`, `recommend`, `discover`, `context`");
        }
        JsonNode body = q.get(kind);
        String where = at + "." + kind;
        switch (kind) {
            case "nearest":
                if (!present(body)) {
                    throw format(where, "expected a vector or a point id, got null");
                }
                return new QuerySpec.Nearest(example(body, where));
            case "recommend":
                return recommend(body, where);
            case "discover":
                return discover(body, where);
            default:
                return new QuerySpec.Context(pairs(body, where));
        }
    }

    private static QuerySpec recommend(JsonNode body, String at) {
        if (!body.isObject()) {
            throw format(at, "expected {\"positive\"?, \"negative\"?, \"strategy\"?}, got " + describe(body));
        }
        List<Example> positive = examples(body.get("positive"), at + ".positive");
        List<Example> negative = examples(body.get("negative"), at + ".negative");
        RecommendStrategy strategy = RecommendStrategy.AVERAGE_VECTOR;
        JsonNode s = body.get("strategy");
        if (present(s)) {
            if (!s.isTextual()) {
                throw format(at + ".strategy", "expected a strategy name, got " + describe(s));
            }
            strategy = null;
            for (RecommendStrategy r : RecommendStrategy.values()) {
                if (r.qdrantName().equals(s.textValue())) {
                    strategy = r;
                }
            }
            if (strategy == null) {
                throw format(at + ".strategy", "unknown variant `" + s.textValue()
                        + "`, expected one of `average_vector`, `best_score`, `sum_scores`");
            }
        }
        return new QuerySpec.Recommend(positive, negative, strategy);
    }

    private static QuerySpec discover(JsonNode body, String at) {
        if (!body.isObject()) {
            throw format(at, "expected {\"target\": example, \"context\": pairs}, got " + describe(body));
        }
        if (!present(body.get("target"))) {
            throw format(at, "missing field `target`");
        }
        Example target = example(body.get("target"), at + ".target");
        JsonNode context = body.get("context");
        List<ExamplePair> pairs = present(context) ? pairs(context, at + ".context") : List.of();
        return new QuerySpec.Discover(target, pairs);
    }

    /** A pair or a list of pairs. */
    private static List<ExamplePair> pairs(JsonNode node, String at) {
        if (!present(node)) {
            throw format(at, "expected a context pair or a list of pairs, got null");
        }
        List<ExamplePair> out = new ArrayList<>();
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                out.add(pair(node.get(i), at + "[" + i + "]"));
            }
        } else {
            out.add(pair(node, at));
        }
        return out;
    }

    private static ExamplePair pair(JsonNode node, String at) {
        if (!node.isObject()) {
            throw format(at, "expected {\"positive\": example, \"negative\": example}, got " + describe(node));
        }
        if (!present(node.get("positive"))) {
            throw format(at, "missing field `positive`");
        }
        if (!present(node.get("negative"))) {
            throw format(at, "missing field `negative`");
        }
        return new ExamplePair(example(node.get("positive"), at + ".positive"), example(node.get("negative"), at + ".negative"));
    }

    private static List<Example> examples(JsonNode node, String at) {
        if (!present(node)) {
            return List.of();
        }
        if (!node.isArray()) {
            throw format(at, "expected a list of vectors and point ids, got " + describe(node));
        }
        List<Example> out = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            out.add(example(node.get(i), at + "[" + i + "]"));
        }
        return out;
    }

    /** A raw vector or a point id. */
    private static Example example(JsonNode node, String at) {
        if (node.isArray()) {
            if (!node.isEmpty() && node.get(0).isArray()) {
                throw format(at, "multi-vectors are not supported");
            }
            return new Example.Vector(Points.parseVector(node, at));
        }
        if (node.isIntegralNumber() || node.isTextual()) {
            try {
                return new Example.Id(PointId.fromJson(node));
            } catch (QdrantException e) {
                throw format(at, "expected an unsigned integer or a UUID point id, got " + describe(node));
            }
        }
        if (node.isObject() && node.has("indices")) {
            throw format(at, "sparse vectors are not supported");
        }
        throw format(at, "expected a vector (list of numbers) or a point id, got " + describe(node));
    }

    private static SearchParams params(JsonNode node, String at) {
        if (!present(node)) {
            return SearchParams.DEFAULT;
        }
        if (!node.isObject()) {
            throw format(at, "expected an object, got " + describe(node));
        }
        boolean exact = false;
        JsonNode e = node.get("exact");
        if (present(e)) {
            if (!e.isBoolean()) {
                throw format(at + ".exact", "expected a boolean, got " + describe(e));
            }
            exact = e.booleanValue();
        }
        Integer ef = null;
        if (present(node.get("hnsw_ef"))) {
            ef = (int) Math.min(Integer.MAX_VALUE, unsigned(node.get("hnsw_ef"), at + ".hnsw_ef", 0));
        }
        return new SearchParams(exact, ef);
    }

    private static Float threshold(JsonNode node, String at) {
        if (!present(node)) {
            return null;
        }
        if (!node.isNumber()) {
            throw format(at, "expected a number, got " + describe(node));
        }
        float t = (float) node.doubleValue();
        if (!Float.isFinite(t)) {
            throw format(at, "expected a finite float32 number, got " + node);
        }
        return t;
    }

    private static LookupFrom lookupFrom(JsonNode node, String at) {
        if (!present(node)) {
            return null;
        }
        if (!node.isObject()) {
            throw format(at, "expected {\"collection\": name, \"vector\"?: name}, got " + describe(node));
        }
        String collection = optionalString(node.get("collection"), at + ".collection");
        if (collection == null) {
            throw format(at, "missing field `collection`");
        }
        return new LookupFrom(collection, optionalString(node.get("vector"), at + ".vector"));
    }

    private static long unsigned(JsonNode node, String at, long absent) {
        if (!present(node)) {
            return absent;
        }
        if (!node.isIntegralNumber()) {
            throw format(at, "invalid type: " + describe(node) + ", expected usize");
        }
        if (!node.canConvertToLong() || node.longValue() < 0) {
            throw format(at, "invalid value: integer `" + node + "`, expected usize");
        }
        return node.longValue();
    }

    private static String optionalString(JsonNode node, String at) {
        if (!present(node)) {
            return null;
        }
        if (!node.isTextual()) {
            throw format(at, "invalid type: " + describe(node) + ", expected a string");
        }
        return node.textValue();
    }

    // ---------------------------------------------------------------- stage 2: validation (422)

    private static void validation(QueryRequest r, String at) {
        if (r.limit() < 1) {
            throw QdrantException.validation(at + "limit: value " + r.limit() + " invalid, must be 1 or larger");
        }
        if (r.query() instanceof QuerySpec.Recommend rec && rec.positive().isEmpty() && rec.negative().isEmpty()) {
            throw QdrantException.validation(at + "query.recommend: At least one positive or negative vector/id must be provided");
        }
        if (r.params().hnswEf() != null && r.params().hnswEf() < 1) {
            throw QdrantException.validation(at + "params.hnsw_ef: value 0 invalid, must be 1 or larger");
        }
    }

    // ---------------------------------------------------------------- stage 3: request rules (400)

    private static void rules(QueryRequest r) {
        if (r.scoreThreshold() != null && r.query() == null) {
            throw QdrantException.badRequest(
                    "Bad request: A query is needed to use the score_threshold. Can't have score_threshold without defining a query.");
        }
        if (r.query() instanceof QuerySpec.Recommend rec && rec.strategy() == RecommendStrategy.AVERAGE_VECTOR
                && rec.positive().isEmpty()) {
            throw averageWithoutPositives();
        }
    }

    /** 400 "Bad request: Positive vectors should not be empty with `average` strategy". */
    static QdrantException averageWithoutPositives() {
        return QdrantException.badRequest("Bad request: Positive vectors should not be empty with `average` strategy");
    }

    // ---------------------------------------------------------------- helpers

    private static boolean present(JsonNode n) {
        return n != null && !n.isNull() && !n.isMissingNode();
    }

    private static QdrantException format(String at, String why) {
        return QdrantException.badRequest("Format error in JSON body: " + (at.isEmpty() ? "" : at + ": ") + why);
    }

    private static String describe(JsonNode n) {
        if (n == null || n.isMissingNode()) {
            return "nothing";
        }
        String s = n.toString();
        s = s.length() > 60 ? s.substring(0, 57) + "..." : s;
        if (n.isTextual()) {
            return "string " + s;
        }
        if (n.isNumber()) {
            return (n.isIntegralNumber() ? "integer " : "floating point ") + s;
        }
        if (n.isBoolean()) {
            return "boolean " + s;
        }
        if (n.isNull()) {
            return "null";
        }
        return (n.isArray() ? "list " : "object ") + s;
    }
}
