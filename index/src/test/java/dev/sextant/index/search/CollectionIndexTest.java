package dev.sextant.index.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sextant.index.CollectionConfig;
import dev.sextant.index.IndexOptions;
import dev.sextant.index.Point;
import dev.sextant.index.PointId;
import dev.sextant.index.Points;
import dev.sextant.index.query.ExampleRef;
import dev.sextant.index.query.QueryParser;
import dev.sextant.index.query.ResolvedQuery;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One partition's index: writes, candidates, selectors, order. */
class CollectionIndexTest {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final CollectionConfig NAMED = CollectionConfig.fromJson(json(
            "{'img': {'size': 2, 'distance': 'Dot'}, 'txt': {'size': 2, 'distance': 'Euclid'}}"));

    final CollectionIndex index = new CollectionIndex(NAMED, IndexOptions.defaults());

    static JsonNode json(String s) {
        try {
            return MAPPER.readTree(s.replace('\'', '"'));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    void upsert(String point) {
        index.upsert(Points.fromJson(NAMED, json(point)));
    }

    List<ScoredPoint> search(String body) {
        ResolvedQuery q = QueryParser.parse(json(body)).resolve("c", name -> NAMED,
                (ExampleRef ref) -> index.get(ref.id()));
        return index.search(q);
    }

    static List<String> ids(List<ScoredPoint> points) {
        return points.stream().map(x -> x.id().toString()).toList();
    }

    CollectionIndexTest() {
        upsert("{'id': 1, 'vector': {'img': [1, 0], 'txt': [0, 0]}, 'payload': {'k': 'a', 'n': 1}}");
        upsert("{'id': 2, 'vector': {'img': [0.5, 0]}, 'payload': {'k': 'b', 'nest': {'x': 1, 'y': 2}}}");
        upsert("{'id': 3, 'vector': {'txt': [3, 4]}}");
        upsert("{'id': 4, 'vector': {'img': [0.5, 0], 'txt': [1, 0]}, 'payload': {'k': 'a'}}");
    }

    @Test
    void pointsWithoutTheUsingVectorAreNeverCandidates() {
        assertEquals(List.of("1", "2", "4"), ids(search("{'query': [1, 0], 'using': 'img'}")));
        assertEquals(List.of("1", "4", "3"), ids(search("{'query': [0, 0], 'using': 'txt'}")));
        assertEquals(List.of(0f, 1f, 5f), search("{'query': [0, 0], 'using': 'txt'}").stream().map(ScoredPoint::score).toList());
    }

    @Test
    void upsertReplacesEveryVectorAndThePayload() {
        upsert("{'id': 1, 'vector': {'img': [2, 0]}}");
        assertEquals(List.of("4", "3"), ids(search("{'query': [0, 0], 'using': 'txt'}")), "point 1 lost its txt vector");
        assertNull(index.get(PointId.of(1)).payload());
        assertEquals(2f, search("{'query': [1, 0], 'using': 'img', 'limit': 1}").get(0).score());
        assertEquals(4, index.size());
    }

    @Test
    void deleteRemovesFromEverySpace() {
        assertTrue(index.delete(PointId.of(4)));
        assertFalse(index.delete(PointId.of(4)));
        assertEquals(List.of("1", "2"), ids(search("{'query': [1, 0], 'using': 'img'}")));
        assertEquals(List.of("1", "3"), ids(search("{'query': [0, 0], 'using': 'txt'}")));
        assertEquals(3, index.size());
        assertNull(index.get(PointId.of(4)));
    }

    @Test
    void tiesByIdAndStrictThreshold() {
        assertEquals(List.of("2", "4"), ids(search("{'query': [1, 0], 'using': 'img', 'score_threshold': 0.4, 'filter': {'must_not': {'has_id': [1]}}}")));
        assertEquals(List.of("1"), ids(search("{'query': [1, 0], 'using': 'img', 'score_threshold': 0.5}")));
        assertEquals(List.of("1"), ids(search("{'query': [0, 0], 'using': 'txt', 'score_threshold': 1}")), "distance < 1");
    }

    @Test
    void filterAndExclusionApplyBeforeTopK() {
        // the best point is excluded (it is the example) and the filter removes 2: the page is still full
        assertEquals(List.of("4"), ids(search("{'query': 1, 'using': 'img', 'limit': 1, 'filter': {'must': {'key': 'k', 'match': {'value': 'a'}}}}")));
        assertEquals(List.of("2", "4"), ids(search("{'query': {'recommend': {'positive': [1], 'strategy': 'best_score'}}, 'using': 'img'}")));
    }

    @Test
    void partitionsReturnOffsetPlusLimit() {
        assertEquals(3, search("{'query': [1, 0], 'using': 'img', 'offset': 1, 'limit': 2}").size());
    }

    @Test
    void withPayloadForms() {
        String q = "{'query': [1, 0], 'using': 'img', 'with_payload': %s}";
        List<ScoredPoint> all = search(String.format(q, "true"));
        assertEquals(json("{'k': 'a', 'n': 1}"), all.get(0).payload());
        assertEquals(json("{'k': 'b', 'nest': {'x': 1, 'y': 2}}"), all.get(1).payload());
        assertEquals(json("{'k': 'a'}"), search(String.format(q, "['k', 'missing']")).get(0).payload());
        assertEquals(json("{'nest': {'y': 2}}"), search(String.format(q, "{'include': ['nest.y']}")).get(1).payload());
        assertEquals(json("{'k': 'b', 'nest': {'x': 1}}"), search(String.format(q, "{'exclude': ['nest.y']}")).get(1).payload());
        assertNull(search(String.format(q, "false")).get(0).payload());
        assertNull(search("{'query': [1, 0], 'using': 'img'}").get(0).vector());
        // the stored payload is never handed out
        search(String.format(q, "true")).get(0).payload().isObject();
        ((com.fasterxml.jackson.databind.node.ObjectNode) search(String.format(q, "true")).get(0).payload()).put("k", "changed");
        assertEquals("a", index.get(PointId.of(1)).payload().get("k").textValue());
    }

    @Test
    void withVectorForms() {
        List<ScoredPoint> all = search("{'query': [1, 0], 'using': 'img', 'with_vector': true}");
        assertEquals("{\"img\":[1.0,0.0],\"txt\":[0.0,0.0]}", all.get(0).vector().toString());
        assertEquals("{\"img\":[0.5,0.0]}", all.get(1).vector().toString());
        assertEquals("{\"txt\":[0.0,0.0]}", search("{'query': [1, 0], 'using': 'img', 'with_vectors': ['txt']}").get(0).vector().toString());
        assertEquals("{}", search("{'query': [1, 0], 'using': 'img', 'with_vector': ['txt']}").get(1).vector().toString());

        CollectionConfig single = CollectionConfig.fromJson(json("{'size': 2, 'distance': 'Cosine'}"));
        CollectionIndex plain = new CollectionIndex(single, IndexOptions.defaults());
        plain.upsert(Points.fromJson(single, json("{'id': 1, 'vector': [3, 4]}")));
        ResolvedQuery q = QueryParser.parse(json("{'query': [1, 0], 'with_vector': true, 'with_payload': true}"))
                .resolve("c", name -> single, ref -> null);
        ScoredPoint only = plain.search(q).get(0);
        assertEquals("[0.6,0.8]", only.vector().toString(), "the stored, normalised vector");
        assertEquals(json("{}"), only.payload(), "a point without payload returns {}");
        assertEquals("{\"id\":1,\"score\":0.6,\"payload\":{},\"vector\":[0.6,0.8]}", only.toJson().toString());
    }

    @Test
    void withoutQueryPointsComeInIdOrderWithScoreZero() {
        List<ScoredPoint> all = search("{'limit': 3, 'filter': {'must_not': {'has_id': [2]}}}");
        assertEquals(List.of("1", "3", "4"), ids(all));
        assertTrue(all.stream().allMatch(p -> p.score() == 0f));
    }

    @Test
    void anEmptySpaceReturnsNothing() {
        CollectionIndex empty = new CollectionIndex(NAMED, IndexOptions.defaults());
        ResolvedQuery q = QueryParser.parse(json("{'query': [1, 0], 'using': 'img'}")).resolve("c", name -> NAMED, ref -> null);
        assertEquals(List.of(), empty.search(q));
    }

    @Test
    void aPointThatDoesNotFitIsRefused() {
        Point wrong = new Point(PointId.of(9), java.util.Map.of("img", new float[] {1, 2, 3}), null);
        assertThrows(IllegalArgumentException.class, () -> index.upsert(wrong));
        Point unknown = new Point(PointId.of(9), java.util.Map.of("aud", new float[] {1, 2}), null);
        assertThrows(IllegalArgumentException.class, () -> index.upsert(unknown));
        assertNull(index.get(PointId.of(9)));
    }
}
