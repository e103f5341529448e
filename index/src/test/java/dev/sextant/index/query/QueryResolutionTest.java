package dev.sextant.index.query;

import static dev.sextant.index.query.QueryParserTest.assertError;
import static dev.sextant.index.query.QueryParserTest.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sextant.index.CollectionConfig;
import dev.sextant.index.Distance;
import dev.sextant.index.Point;
import dev.sextant.index.PointId;
import dev.sextant.index.Points;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link QueryRequest#validate}, {@link QueryRequest#exampleIds} and {@link QueryRequest#resolve}. */
class QueryResolutionTest {
    final Map<String, CollectionConfig> catalog = new HashMap<>();
    final Map<ExampleRef, Point> stored = new HashMap<>();

    QueryResolutionTest() {
        add("dot", CollectionConfig.single(2, Distance.DOT), "{'id': 1, 'vector': [1, 2]}", "{'id': 2, 'vector': [3, 4]}",
                "{'id': 3, 'vector': [0, -2]}");
        add("cos", CollectionConfig.single(2, Distance.COSINE), "{'id': 1, 'vector': [3, 4]}", "{'id': 2, 'vector': [0, 2]}");
        add("named", CollectionConfig.fromJson(json("{'a': {'size': 2, 'distance': 'Euclid'}, 'b': {'size': 3, 'distance': 'Dot'}}")),
                "{'id': 1, 'vector': {'a': [1, 1], 'b': [1, 2, 3]}}", "{'id': 2, 'vector': {'a': [2, 2]}}");
    }

    private void add(String collection, CollectionConfig config, String... points) {
        catalog.put(collection, config);
        for (String p : points) {
            Point point = Points.fromJson(config, json(p));
            stored.put(new ExampleRef(collection, point.id()), point);
        }
    }

    ResolvedQuery resolve(String collection, String body) {
        QueryRequest r = QueryParser.parse(json(body));
        r.validate(collection, catalog::get);
        return r.resolve(collection, catalog::get, stored::get);
    }

    @Test
    void validateChecksTheCatalog() {
        assertError(404, "Collection `nope` doesn't exist!", () -> resolve("nope", "{'query': [1, 2]}"));
        assertError(400, "Not existing vector name error: c", () -> resolve("named", "{'query': [1, 2], 'using': 'c'}"));
        assertError(400, "Vector dimension error: expected dim: 2, got 3", () -> resolve("dot", "{'query': [1, 2, 3]}"));
        assertError(400, "Vector dimension error: expected dim: 3, got 2",
                () -> resolve("named", "{'query': {'context': {'positive': 1, 'negative': [1, 2]}}, 'using': 'b'}"));
        assertError(404, "Collection gone not found", () -> resolve("dot", "{'query': [1, 2], 'lookup_from': {'collection': 'gone'}}"));
        assertError(400, "Not existing vector name error: z",
                () -> resolve("dot", "{'query': [1, 2], 'lookup_from': {'collection': 'named', 'vector': 'z'}}"));
        assertError(400, "Not existing vector name error: q", () -> resolve("named", "{'query': [1, 2], 'using': 'a', 'with_vector': ['q']}"));
    }

    @Test
    void exampleIdsAreDistinctAndReadFromTheLookupCollection() {
        QueryRequest r = QueryParser.parse(json("{'query': {'recommend': {'positive': [1, 2, [0, 0]], 'negative': [1]}}}"));
        assertEquals(List.of(new ExampleRef("dot", PointId.of(1)), new ExampleRef("dot", PointId.of(2))), r.exampleIds("dot"));
        QueryRequest l = QueryParser.parse(json("{'query': 5, 'lookup_from': {'collection': 'cos'}}"));
        assertEquals(List.of(new ExampleRef("cos", PointId.of(5))), l.exampleIds("dot"));
        assertEquals(List.of(), QueryParser.parse(json("{'limit': 3}")).exampleIds("dot"));
    }

    @Test
    void idExamplesAreExcludedAndReplacedByStoredVectors() {
        ResolvedQuery q = resolve("dot", "{'query': {'recommend': {'positive': [1], 'negative': [2], 'strategy': 'sum_scores'}}}");
        assertEquals(List.of(PointId.of(1), PointId.of(2)), q.excluded());
        RecommendSumScores s = assertInstanceOf(RecommendSumScores.class, q.query());
        assertArrayEquals(new float[] {1, 2}, s.positives().get(0));
        assertArrayEquals(new float[] {3, 4}, s.negatives().get(0));
        assertTrue(q.excludes(PointId.of(1)));
    }

    @Test
    void rawVectorsExcludeNothing() {
        assertEquals(List.of(), resolve("dot", "{'query': {'recommend': {'positive': [[1, 1]]}}}").excluded());
    }

    @Test
    void lookupFromAnotherCollectionExcludesNothingButTheSameCollectionDoes() {
        // Decision D8.
        assertEquals(List.of(), resolve("dot", "{'query': 1, 'lookup_from': {'collection': 'cos'}}").excluded());
        assertEquals(List.of(PointId.of(1)), resolve("dot", "{'query': 1, 'lookup_from': {'collection': 'dot'}}").excluded());
    }

    @Test
    void averageVectorIsTwiceThePositiveMeanMinusTheNegativeMean() {
        ResolvedQuery q = resolve("dot", "{'query': {'recommend': {'positive': [1, 2], 'negative': [3, [2, 0]]}}}");
        Nearest n = assertInstanceOf(Nearest.class, q.query());
        // avg_pos = (2, 3), avg_neg = (1, -1): 2·(2, 3) − (1, −1) = (3, 7)
        assertArrayEquals(new float[] {3, 7}, n.vector());
        assertTrue(n.combination(), "an average of several examples is a combination (a wider graph beam)");
        assertArrayEquals(new float[] {2, 3}, QueryRequest.averageQuery(List.of(new float[] {1, 2}, new float[] {3, 4}), List.of()));
    }

    @Test
    void cosineAverageUsesRawVectorsUnnormalisedThenNormalisesTheResult() {
        // README §2.2: raw vectors averaged as given; [10, 0] outweighs [0, 1].
        Nearest n = (Nearest) resolve("cos", "{'query': {'recommend': {'positive': [[10, 0], [0, 1]]}}}").query();
        float norm = (float) Math.sqrt(25 + 0.25);
        assertArrayEquals(new float[] {5 / norm, 0.5f / norm}, n.vector(), 1e-6f);
    }

    @Test
    void cosineNormalisesEveryExampleOfCustomScores() {
        RecommendBestScore b = (RecommendBestScore) resolve("cos",
                "{'query': {'recommend': {'positive': [[0, 5]], 'negative': [1], 'strategy': 'best_score'}}}").query();
        assertArrayEquals(new float[] {0, 1}, b.positives().get(0));
        assertArrayEquals(new float[] {0.6f, 0.8f}, b.negatives().get(0), 1e-7f);
    }

    @Test
    void vectorsReadThroughLookupFromKeepTheirScaleOnAnAverage() {
        // README §3.3: a Dot collection's vector is averaged as is on a Cosine search, the average normalised.
        Nearest n = (Nearest) resolve("cos", "{'query': {'recommend': {'positive': [2]}}, 'lookup_from': {'collection': 'dot'}}").query();
        assertArrayEquals(new float[] {0.6f, 0.8f}, n.vector(), 1e-6f);
        assertFalse(n.combination(), "the average of one example is that example");
        assertFalse(((Nearest) resolve("cos", "{'query': [3, 4]}").query()).combination());
    }

    @Test
    void storedPointErrors() {
        assertError(404, "No point with id 9 found", () -> resolve("dot", "{'query': {'recommend': {'positive': [1, 9]}}}"));
        assertError(404, "Vector with name \"b\" for point 2", () -> resolve("named", "{'query': 2, 'using': 'b'}"));
        assertError(400, "Vector dimension error: expected dim: 2, got 3",
                () -> resolve("dot", "{'query': 1, 'lookup_from': {'collection': 'named', 'vector': 'b'}}"));
        // through lookup_from the id must exist in the lookup collection ("cos" has no point 3)
        assertError(404, "No point with id 3 found", () -> resolve("dot",
                "{'query': {'recommend': {'positive': [1], 'negative': [3]}}, 'lookup_from': {'collection': 'cos'}}"));
    }

    @Test
    void namedLookupReadsTheLookupVector() {
        ResolvedQuery q = resolve("named", "{'query': {'recommend': {'positive': [1], 'strategy': 'best_score'}}, 'using': 'a',"
                + " 'lookup_from': {'collection': 'named', 'vector': 'a'}}");
        assertArrayEquals(new float[] {1, 1}, ((RecommendBestScore) q.query()).positives().get(0));
        assertEquals("a", q.using());
        assertFalse(q.ascending());
    }

    @Test
    void orderAndThreshold() {
        ResolvedQuery euclid = resolve("named", "{'query': [0, 0], 'using': 'a', 'score_threshold': 2}");
        assertTrue(euclid.ascending());
        assertEquals(Distance.EUCLID, euclid.distance());
        assertTrue(euclid.passes(1.99f));
        assertFalse(euclid.passes(2f), "strict (D3)");
        assertEquals((float) Math.sqrt(2), euclid.score(new float[] {1, 1}));

        ResolvedQuery best = resolve("named", "{'query': {'recommend': {'positive': [[0, 0]], 'strategy': 'best_score'}}, 'using': 'a', 'score_threshold': 0.1}");
        assertFalse(best.ascending(), "custom scores are highest first on every metric");
        assertTrue(best.passes(0.2f));
        assertFalse(best.passes(0.1f));

        ResolvedQuery none = resolve("dot", "{'limit': 3}");
        assertNull(none.query());
        assertEquals(0f, none.score(new float[] {1, 1}));
        assertSame(Distance.DOT, none.distance());
    }
}
