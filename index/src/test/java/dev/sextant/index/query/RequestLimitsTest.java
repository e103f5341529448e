package dev.sextant.index.query;

import static dev.sextant.index.query.QueryParserTest.assertError;
import static dev.sextant.index.query.QueryParserTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sextant.index.CollectionConfig;
import java.util.Collections;
import org.junit.jupiter.api.Test;

class RequestLimitsTest {
    private static final RequestLimits SMALL = new RequestLimits(20, 3, 2);

    @Test
    void defaultsAreGenerousAndApplyToTheOneArgumentParsers() {
        assertEquals(new RequestLimits(10_000, 1_000, 1_000), RequestLimits.DEFAULTS);
        assertEquals(10_000, QueryParser.parse(json("{'query': [1], 'limit': 9000, 'offset': 1000}")).limit() + 1000);
        assertError(400, "Bad request: limit + offset must be at most 10000 (sextant.request.max-limit-offset)",
                () -> QueryParser.parse(json("{'query': [1], 'limit': 9000, 'offset': 1001}")));
        assertError(400, "a batch may have at most 1000 searches (sextant.request.max-batch-searches), got 1001",
                () -> QueryParser.parseBatch(json("{'searches': [" + String.join(",", Collections.nCopies(1001, "{}")) + "]}")));
    }

    @Test
    void limitPlusOffsetIsBoundedWithoutOverflow() {
        assertEquals(15, QueryParser.parse(json("{'query': [1], 'limit': 15, 'offset': 5}"), SMALL).limit());
        assertError(400, "Bad request: limit + offset must be at most 20 (sextant.request.max-limit-offset)",
                () -> QueryParser.parse(json("{'query': [1], 'limit': 21}"), SMALL));
        assertError(400, "limit + offset must be at most 20",
                () -> QueryParser.parse(json("{'query': [1], 'limit': 1, 'offset': 20}"), SMALL));
        // each capped at Integer.MAX_VALUE when read; their sum does not wrap around
        assertError(400, "limit + offset must be at most 10000", () -> QueryParser.parse(json(
                "{'query': [1], 'limit': 9223372036854775807, 'offset': 9223372036854775807}")));
        // a request without a query lists points: bounded too
        assertError(400, "limit + offset must be at most 20", () -> QueryParser.parse(json("{'limit': 100}"), SMALL));
    }

    @Test
    void examplesAreCountedPerQueryKind() {
        QueryParser.parse(json("{'query': {'recommend': {'positive': [1, 2], 'negative': [[1.0]]}}}"), SMALL);
        assertError(400, "Bad request: a query may have at most 3 examples (sextant.request.max-examples), got 4",
                () -> QueryParser.parse(json("{'query': {'recommend': {'positive': [1, 2], 'negative': [3, 4]}}}"), SMALL));
        // discover: the target and two per pair
        assertError(400, "got 5", () -> QueryParser.parse(json(
                "{'query': {'discover': {'target': 1, 'context': [{'positive': 2, 'negative': 3}, {'positive': 4, 'negative': 5}]}}}"),
                SMALL));
        // context: two per pair
        assertError(400, "got 4", () -> QueryParser.parse(json(
                "{'query': {'context': [{'positive': 2, 'negative': 3}, {'positive': 4, 'negative': 5}]}}"), SMALL));
        QueryParser.parse(json("{'query': {'context': {'positive': 2, 'negative': 3}}}"), SMALL);
    }

    @Test
    void batchSizeIsCheckedBeforeTheSearchesAndLimitsAfterQdrantsStages() {
        // three searches over a limit of two: refused before the malformed third one is read
        assertError(400, "a batch may have at most 2 searches (sextant.request.max-batch-searches), got 3",
                () -> QueryParser.parseBatch(json("{'searches': [{}, {}, {'query': {'nope': 1}}]}"), SMALL));
        // Qdrant's own errors of any item win over Sextant's limits (limits are the last stage)
        assertError(422, "searches[1].limit: value 0 invalid",
                () -> QueryParser.parseBatch(json("{'searches': [{'query': [1], 'limit': 50}, {'query': [1], 'limit': 0}]}"), SMALL));
        assertError(400, "Bad request: searches[1]: limit + offset must be at most 20",
                () -> QueryParser.parseBatch(json("{'searches': [{'query': [1]}, {'query': [1], 'limit': 50}]}"), SMALL));
        assertEquals(2, QueryParser.parseBatch(json("{'searches': [{}, {}]}"), SMALL).size());
    }

    @Test
    void noneAcceptsWhatTheDefaultsRefuse() {
        JsonNode body = json("{'query': [1], 'limit': 50000}");
        assertEquals(50_000, QueryParser.parse(body, RequestLimits.NONE).limit());
    }

    @Test
    void limitsBelowOneAreAConfigurationError() {
        assertThrows(IllegalArgumentException.class, () -> new RequestLimits(0, 1, 1));
    }

    @Test
    void collectionDimensionIsBoundedOnCreationOnly() {
        JsonNode big = json("{'vectors': {'size': 65537, 'distance': 'Dot'}}");
        assertError(422, "Validation error in JSON body: vectors.size: value 65537 invalid, must be 65536 or smaller"
                + " (sextant.collection.max-dimension)", () -> CollectionConfig.fromJson(big, CollectionConfig.MAX_DIMENSION));
        assertEquals(65_536, CollectionConfig.fromJson(json("{'vectors': {'size': 65536, 'distance': 'Dot'}}"),
                CollectionConfig.MAX_DIMENSION).vectors().get("").size());
        assertError(422, "vectors.text.size: value 9 invalid, must be 8 or smaller", () -> CollectionConfig.fromJson(
                json("{'vectors': {'image': {'size': 8, 'distance': 'Dot'}, 'text': {'size': 9, 'distance': 'Dot'}}}"), 8));
        // no dense vector at all: nothing to search (Qdrant would create a collection for sparse vectors only)
        assertError(400, "a collection needs at least one dense vector", () -> CollectionConfig.fromJson(json("{}"), 8));
        assertError(400, "a collection needs at least one dense vector", () -> CollectionConfig.fromJson(json("{'vectors': {}}")));
        // a stored config is read back without the bound
        assertEquals(65_537, CollectionConfig.fromJson(big).vectors().get("").size());
    }
}
