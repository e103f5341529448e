package dev.sextant.index.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.sextant.index.CollectionConfig;
import dev.sextant.index.IndexOptions;
import dev.sextant.index.Point;
import dev.sextant.index.PointId;
import dev.sextant.index.Points;
import dev.sextant.index.QdrantException;
import dev.sextant.index.query.ExampleRef;
import dev.sextant.index.query.QueryParser;
import dev.sextant.index.query.QueryRequest;
import dev.sextant.index.query.ResolvedQuery;
import dev.sextant.index.search.CollectionIndex;
import dev.sextant.index.search.ResultMerge;
import dev.sextant.index.search.ScoredPoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every conformance case directly against the index module, the way the job runs a request: parse
 * → validate → fetch example points → resolve → the resolved query travels as JSON to each of
 * {@value #PARTITIONS} partitions (points split by id hash) → search per partition → merge.
 *
 * <p>Run twice: with default options (small collections are scanned exactly) and with the graph plans
 * forced ({@code exactScanBelow = 0}), which must give the same answers.
 */
class ConformanceTest {
    static final int PARTITIONS = 3;

    @Test
    void allCasesAreLoaded() {
        assertEquals(71, ConformanceCases.load().size());
    }

    @TestFactory
    Stream<DynamicTest> conformance() {
        return cases(IndexOptions.defaults());
    }

    @TestFactory
    Stream<DynamicTest> conformanceWithGraphPlans() {
        return cases(IndexOptions.defaults().withExactScanBelow(0));
    }

    private static Stream<DynamicTest> cases(IndexOptions options) {
        return ConformanceCases.load().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> run(c, options)));
    }

    /** One case end to end; the answer goes through {@link ConformanceAssert}. */
    static void run(ConformanceCase c, IndexOptions options) {
        Setup setup = new Setup(c, options);
        try {
            JsonNode result = c.batch() ? setup.batch(c.collection(), c.body()) : setup.query(c.collection(), c.body());
            ConformanceAssert.assertMatches(c, 200, null, result);
        } catch (QdrantException e) {
            ConformanceAssert.assertMatches(c, e.code(), e.getMessage(), null);
        }
    }

    /** The case's collections: a catalog, every point by collection, and the partitioned indexes. */
    static final class Setup {
        final Map<String, CollectionConfig> catalog = new HashMap<>();
        final Map<String, Map<PointId, Point>> stored = new HashMap<>();
        final Map<String, List<CollectionIndex>> partitions = new HashMap<>();

        Setup(ConformanceCase c, IndexOptions options) {
            for (ConformanceCase.CaseCollection col : c.collections()) {
                CollectionConfig config = CollectionConfig.fromJson(col.vectors());
                catalog.put(col.name(), config);
                List<CollectionIndex> parts = new ArrayList<>();
                for (int i = 0; i < PARTITIONS; i++) {
                    parts.add(new CollectionIndex(config, options));
                }
                Map<PointId, Point> byId = new LinkedHashMap<>();
                for (JsonNode json : col.points()) {
                    Point p = Points.fromJson(config, json);
                    byId.put(p.id(), p);
                    parts.get(Math.floorMod(p.id().hashCode(), PARTITIONS)).upsert(p);
                }
                stored.put(col.name(), byId);
                partitions.put(col.name(), parts);
            }
        }

        JsonNode query(String collection, JsonNode body) {
            QueryRequest request = QueryParser.parse(body);
            request.validate(collection, catalog::get);
            return run(collection, resolve(collection, request));
        }

        JsonNode batch(String collection, JsonNode body) {
            List<QueryRequest> requests = QueryParser.parseBatch(body);
            requests.forEach(r -> r.validate(collection, catalog::get));
            List<ResolvedQuery> resolved = new ArrayList<>();
            requests.forEach(r -> resolved.add(resolve(collection, r)));
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            resolved.forEach(q -> out.add(run(collection, q)));
            return out;
        }

        private ResolvedQuery resolve(String collection, QueryRequest request) {
            Map<ExampleRef, Point> fetched = new HashMap<>();
            for (ExampleRef ref : request.exampleIds(collection)) {
                Point p = stored.getOrDefault(ref.collection(), Map.of()).get(ref.id());
                if (p != null) {
                    fetched.put(ref, p);
                }
            }
            return request.resolve(collection, catalog::get, fetched::get);
        }

        private JsonNode run(String collection, ResolvedQuery q) {
            String wire = q.toJson();
            List<List<ScoredPoint>> partials = new ArrayList<>();
            for (CollectionIndex part : partitions.get(collection)) {
                partials.add(part.search(ResolvedQuery.fromJson(wire)));
            }
            return ScoredPoint.pointsJson(ResultMerge.merge(partials, q.ascending(), q.offset(), q.limit()));
        }
    }
}
