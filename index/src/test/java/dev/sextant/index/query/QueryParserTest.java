package dev.sextant.index.query;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sextant.index.PointId;
import dev.sextant.index.QdrantException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class QueryParserTest {
    static final ObjectMapper MAPPER = new ObjectMapper();

    static JsonNode json(String s) {
        try {
            return MAPPER.readTree(s.replace('\'', '"'));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    static QueryRequest parse(String body) {
        return QueryParser.parse(json(body));
    }

    static void assertError(int code, String contains, Executable run) {
        QdrantException e = assertThrows(QdrantException.class, run);
        assertEquals(code, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains(contains), "\"" + e.getMessage() + "\" should contain \"" + contains + "\"");
    }

    // ---------------------------------------------------------------- query forms (README §3.4)

    @Test
    void bareVectorBareIdAndNearestObjectAreNearest() {
        QuerySpec.Nearest v = assertInstanceOf(QuerySpec.Nearest.class, parse("{'query': [1, 2.5]}").query());
        assertArrayEquals(new float[] {1f, 2.5f}, ((Example.Vector) v.example()).values());
        QuerySpec.Nearest id = assertInstanceOf(QuerySpec.Nearest.class, parse("{'query': 7}").query());
        assertEquals(new Example.Id(PointId.of(7)), id.example());
        QuerySpec.Nearest uuid = assertInstanceOf(QuerySpec.Nearest.class,
                parse("{'query': {'nearest': '11111111-1111-1111-1111-111111111111'}}").query());
        assertTrue(((Example.Id) uuid.example()).id().isUuid());
    }

    @Test
    void recommendDefaultsToAverageVectorAndMixesIdsAndVectors() {
        QuerySpec.Recommend r = assertInstanceOf(QuerySpec.Recommend.class,
                parse("{'query': {'recommend': {'positive': [1, [0.5, 0.5]], 'negative': null}}}").query());
        assertEquals(RecommendStrategy.AVERAGE_VECTOR, r.strategy());
        assertEquals(2, r.positive().size());
        assertInstanceOf(Example.Id.class, r.positive().get(0));
        assertInstanceOf(Example.Vector.class, r.positive().get(1));
        assertEquals(List.of(), r.negative());
        assertEquals(RecommendStrategy.SUM_SCORES, ((QuerySpec.Recommend) parse(
                "{'query': {'recommend': {'positive': [1], 'strategy': 'sum_scores'}}}").query()).strategy());
    }

    @Test
    void discoverContextForms() {
        QuerySpec.Discover one = (QuerySpec.Discover) parse(
                "{'query': {'discover': {'target': 1, 'context': {'positive': 2, 'negative': [0, 1]}}}}").query();
        assertEquals(1, one.context().size());
        assertEquals(0, ((QuerySpec.Discover) parse("{'query': {'discover': {'target': 1, 'context': null}}}").query()).context().size());
        assertEquals(0, ((QuerySpec.Discover) parse("{'query': {'discover': {'target': 1, 'context': []}}}").query()).context().size());
        assertEquals(0, ((QuerySpec.Discover) parse("{'query': {'discover': {'target': 1}}}").query()).context().size());
        QuerySpec.Context pairs = (QuerySpec.Context) parse(
                "{'query': {'context': [{'positive': 1, 'negative': 2}, {'positive': 3, 'negative': 4}]}}").query();
        assertEquals(2, pairs.pairs().size());
        assertEquals(List.of(new Example.Id(PointId.of(1)), new Example.Id(PointId.of(2)),
                new Example.Id(PointId.of(3)), new Example.Id(PointId.of(4))), pairs.examples());
    }

    @Test
    void defaultsAndOptions() {
        QueryRequest r = parse("{'query': [1]}");
        assertEquals(10, r.limit());
        assertEquals(0, r.offset());
        assertEquals("", r.using());
        assertNull(r.scoreThreshold());
        assertNull(r.filter());
        assertTrue(r.withPayload().none());
        assertTrue(r.withVector().none());
        assertEquals(SearchParams.DEFAULT, r.params());

        QueryRequest o = parse("{'query': [1], 'limit': 3, 'offset': null, 'using': 'img', 'score_threshold': 0.5,"
                + " 'with_payload': ['a'], 'with_vectors': true, 'params': {'exact': true, 'hnsw_ef': 128, 'quantization': null},"
                + " 'lookup_from': {'collection': 'other'}, 'filter': {'must': {'key': 'a', 'match': {'value': 1}}}}");
        assertEquals(3, o.limit());
        assertEquals(0, o.offset());
        assertEquals("img", o.using());
        assertEquals(0.5f, o.scoreThreshold());
        assertEquals(PayloadSelector.Mode.INCLUDE, o.withPayload().mode());
        assertTrue(o.withVector().all());
        assertEquals(new SearchParams(true, 128), o.params());
        assertEquals(new LookupFrom("other", null), o.lookupFrom());
        assertEquals("img", o.lookupVector());
        assertEquals(1, o.filter().must().size());
    }

    @Test
    void aRequestWithoutQueryIsAllowed() {
        assertNull(parse("{'filter': {'must': []}, 'limit': 5}").query());
    }

    // ---------------------------------------------------------------- errors (README §4)

    @Test
    void limitZeroIs422() {
        assertError(422, "value 0 invalid, must be 1 or larger", () -> parse("{'query': [1], 'limit': 0}"));
    }

    @Test
    void negativeOrNonIntegerLimitIsAFormatError() {
        assertError(400, "Format error in JSON body: limit", () -> parse("{'query': [1], 'limit': -1}"));
        assertError(400, "expected usize", () -> parse("{'query': [1], 'limit': 2.5}"));
        assertError(400, "Format error in JSON body: offset", () -> parse("{'query': [1], 'offset': 'x'}"));
    }

    @Test
    void recommendWithoutExamplesIs422() {
        assertError(422, "At least one positive or negative vector/id must be provided",
                () -> parse("{'query': {'recommend': {'positive': [], 'strategy': 'best_score'}}}"));
        assertError(422, "At least one positive or negative vector/id must be provided",
                () -> parse("{'query': {'recommend': {}}}"));
    }

    @Test
    void scoreThresholdNeedsAQuery() {
        assertError(400, "A query is needed to use the score_threshold", () -> parse("{'score_threshold': 10}"));
    }

    @Test
    void averageVectorNeedsPositives() {
        assertError(400, "Positive vectors should not be empty with `average` strategy",
                () -> parse("{'query': {'recommend': {'negative': [1]}}}"));
        // best_score and sum_scores accept negatives only
        parse("{'query': {'recommend': {'negative': [1], 'strategy': 'best_score'}}}");
        parse("{'query': {'recommend': {'negative': [1], 'strategy': 'sum_scores'}}}");
    }

    @Test
    void malformedShapesAreFormatErrors() {
        assertError(400, "Format error in JSON body", () -> QueryParser.parse(json("[1, 2]")));
        assertError(400, "unknown variant `recommendd`", () -> parse("{'query': {'recommendd': {'positive': [1]}}}"));
        assertError(400, "unknown variant `worst_score`", () -> parse("{'query': {'recommend': {'positive': [1], 'strategy': 'worst_score'}}}"));
        assertError(400, "query.recommend.positive", () -> parse("{'query': {'recommend': {'positive': 1}}}"));
        assertError(400, "query.recommend.positive[0]", () -> parse("{'query': {'recommend': {'positive': [true]}}}"));
        assertError(400, "point id", () -> parse("{'query': {'recommend': {'positive': [-1]}}}"));
        assertError(400, "point id", () -> parse("{'query': 'not-a-uuid'}"));
        assertError(400, "missing field `target`", () -> parse("{'query': {'discover': {'context': []}}}"));
        assertError(400, "missing field `negative`", () -> parse("{'query': {'context': [{'positive': 1}]}}"));
        assertError(400, "expected exactly one query kind", () -> parse("{'query': {'nearest': [1], 'context': {'positive': 1, 'negative': 2}}}"));
        assertError(400, "using", () -> parse("{'query': [1], 'using': 3}"));
        assertError(400, "score_threshold", () -> parse("{'query': [1], 'score_threshold': 'high'}"));
        assertError(400, "with_payload", () -> parse("{'query': [1], 'with_payload': 3}"));
        assertError(400, "with_vector", () -> parse("{'query': [1], 'with_vector': {'a': 1}}"));
        assertError(400, "params.exact", () -> parse("{'query': [1], 'params': {'exact': 'yes'}}"));
        assertError(400, "missing field `collection`", () -> parse("{'query': [1], 'lookup_from': {'vector': 'v'}}"));
        assertError(400, "filter.must[0]", () -> parse("{'query': [1], 'filter': {'must': [{'kee': 'a'}]}}"));
    }

    @Test
    void unsupportedQueryKindsAreSaidSo() {
        assertError(400, "`fusion` query is not supported", () -> parse("{'query': {'fusion': 'rrf'}}"));
        assertError(400, "`order_by` query is not supported", () -> parse("{'query': {'order_by': 'price'}}"));
        assertError(400, "`mmr` query is not supported", () -> parse("{'query': {'nearest': [1], 'mmr': {'diversity': 0.5}}}"));
        assertError(400, "prefetch is not supported", () -> parse("{'prefetch': {'query': [1]}, 'query': {'fusion': 'rrf'}}"));
        assertError(400, "sparse vectors are not supported", () -> parse("{'query': {'indices': [1], 'values': [0.5]}}"));
        assertError(400, "multi-vectors are not supported", () -> parse("{'query': [[1, 2], [3, 4]]}"));
    }

    @Test
    void nonFiniteNumbersAreRejected() {
        assertError(400, "not a finite float32", () -> parse("{'query': [1e309, 0]}"));
        assertError(400, "not a finite float32", () -> parse("{'query': [1e39, 0]}"));
        assertError(400, "not a finite float32", () -> parse("{'query': {'recommend': {'positive': [[0, -1e40]]}}}"));
        assertError(400, "finite", () -> parse("{'query': [1], 'score_threshold': 1e39}"));
        assertError(400, "a vector must not be empty", () -> parse("{'query': []}"));
    }

    // ---------------------------------------------------------------- batches (D7)

    @Test
    void batchParsesEveryItemInOrder() {
        List<QueryRequest> all = QueryParser.parseBatch(json("{'searches': [{'query': [1], 'limit': 1}, {'query': [2], 'limit': 2}]}"));
        assertEquals(List.of(1, 2), all.stream().map(QueryRequest::limit).toList());
        assertEquals(List.of(), QueryParser.parseBatch(json("{'searches': []}")));
    }

    @Test
    void batchValidationErrorsComeBeforeRequestRuleErrorsOfEarlierItems() {
        // item 0 breaks a request rule (400), item 1 fails JSON validation (422): the 422 wins (D7).
        assertError(422, "searches[1].limit: value 0 invalid, must be 1 or larger", () -> QueryParser.parseBatch(json(
                "{'searches': [{'score_threshold': 1}, {'query': [1], 'limit': 0}]}")));
        // format errors come first of all
        assertError(400, "searches[1].query", () -> QueryParser.parseBatch(json(
                "{'searches': [{'query': [1], 'limit': 0}, {'query': {'nope': 1}}]}")));
        assertError(400, "A query is needed to use the score_threshold", () -> QueryParser.parseBatch(json(
                "{'searches': [{'query': [1]}, {'score_threshold': 1}]}")));
    }

    @Test
    void batchShapeErrors() {
        assertError(400, "missing field `searches`", () -> QueryParser.parseBatch(json("{'query': [1]}")));
        assertError(400, "searches", () -> QueryParser.parseBatch(json("{'searches': {'query': [1]}}")));
        assertError(400, "searches[0]", () -> QueryParser.parseBatch(json("{'searches': [3]}")));
    }

    @Test
    void withPayloadForms() {
        assertEquals(PayloadSelector.ALL, parse("{'query': [1], 'with_payload': true}").withPayload());
        assertEquals(PayloadSelector.NONE, parse("{'query': [1], 'with_payload': false}").withPayload());
        assertEquals(PayloadSelector.Mode.EXCLUDE, parse("{'query': [1], 'with_payload': {'exclude': ['a.b']}}").withPayload().mode());
        assertEquals(List.of("x", "y"), parse("{'query': [1], 'with_vector': ['x', 'y']}").withVector().names());
        assertFalse(parse("{'query': [1], 'with_vector': false}").withVector().all());
    }
}
