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
import java.util.Random;
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

    // ---- snapshots ---------------------------------------------------------------------------------------

    /** 300 points with img and txt vectors (every third lacks txt), in a graph from the first point on. */
    static CollectionIndex graphIndex(IndexOptions options) {
        CollectionIndex big = new CollectionIndex(NAMED, options);
        java.util.Random rnd = new java.util.Random(11);
        for (int i = 0; i < 300; i++) {
            java.util.Map<String, float[]> vectors = new java.util.LinkedHashMap<>();
            vectors.put("img", new float[] {(float) rnd.nextGaussian(), (float) rnd.nextGaussian()});
            if (i % 3 != 0) {
                vectors.put("txt", new float[] {(float) rnd.nextGaussian(), (float) rnd.nextGaussian()});
            }
            big.upsert(new Point(PointId.of(i), vectors, (com.fasterxml.jackson.databind.node.ObjectNode)
                    json("{'n': " + i + "}")));
        }
        return big;
    }

    static List<ScoredPoint> search(CollectionIndex idx, String body) {
        ResolvedQuery q = QueryParser.parse(json(body)).resolve("c", name -> NAMED,
                (ExampleRef ref) -> idx.get(ref.id()));
        return idx.search(q);
    }

    static final List<String> QUERIES = List.of(
            "{'query': [0.3, -0.2], 'using': 'img', 'limit': 10, 'with_payload': true}",
            "{'query': [1, 1], 'using': 'txt', 'limit': 7, 'params': {'hnsw_ef': 16}}",
            "{'query': {'recommend': {'positive': [5, 7], 'negative': [8]}}, 'using': 'img', 'limit': 5}",
            "{'limit': 4, 'with_vector': true}");

    @Test
    void restoreFromASnapshotLoadsTheGraphsAndAnswersIdentically() {
        IndexOptions options = IndexOptions.defaults().withExactScanBelow(0);
        CollectionIndex original = graphIndex(options);
        original.delete(PointId.of(4)); // a tombstone in both spaces
        byte[] bytes = original.snapshot();

        CollectionIndex restored = CollectionIndex.restore(NAMED, options, bytes, original.points());
        assertEquals(0, restored.changes(), "nothing re-inserted");
        for (String name : List.of("img", "txt")) {
            assertEquals(original.space(name).stats(), restored.space(name).stats(), name);
        }
        assertEquals(299, restored.size());
        for (String q : QUERIES) {
            assertEquals(search(original, q), search(restored, q), q);
        }
        // the restored index shares the points' arrays instead of holding a second copy of every vector
        assertTrue(restored.space("img").get(PointId.of(7)) == original.get(PointId.of(7)).vectors().get("img"));
    }

    @Test
    void restoreAppliesTheChangesSinceTheSnapshot() {
        IndexOptions options = IndexOptions.defaults().withExactScanBelow(0);
        CollectionIndex live = graphIndex(options);
        byte[] bytes = live.snapshot();
        long before = live.changes();
        live.delete(PointId.of(10));                                                         // deleted
        live.upsert(new Point(PointId.of(11), java.util.Map.of("img", new float[] {9, 9}), null)); // overwritten, txt dropped
        live.upsert(new Point(PointId.of(1000), java.util.Map.of("txt", new float[] {0, 0}), null)); // new
        Point payloadOnly = live.get(PointId.of(12));
        live.upsert(new Point(PointId.of(12), payloadOnly.vectors(), null));                  // payload only
        assertEquals(5, live.changes() - before, "10: img, txt; 11: img, txt; 1000: txt");

        CollectionIndex restored = CollectionIndex.restore(NAMED, options, bytes, live.points());
        assertEquals(5, restored.changes());
        assertEquals(live.size(), restored.size());
        assertNull(restored.space("img").get(PointId.of(10)));
        assertNull(restored.space("txt").get(PointId.of(11)));
        assertNull(restored.get(PointId.of(12)).payload());
        for (String q : QUERIES) {
            assertEquals(search(live, q), search(restored, q), q);
        }
        assertEquals(List.of("11"), ids(search(restored, "{'query': [9, 9], 'using': 'img', 'limit': 1}")));
        assertEquals(List.of("1000"), ids(search(restored, "{'query': [0, 0], 'using': 'txt', 'limit': 1, 'params': {'exact': true}}")));
    }

    @Test
    void aCorruptOrForeignSnapshotIsRejected() {
        IndexOptions options = IndexOptions.defaults().withExactScanBelow(0);
        CollectionIndex original = graphIndex(options);
        byte[] bytes = original.snapshot();
        byte[] flipped = bytes.clone();
        flipped[bytes.length / 2] ^= 0x10;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CollectionIndex.restore(NAMED, options, flipped, original.points()));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CollectionIndex.restore(NAMED, options,
                java.util.Arrays.copyOf(bytes, 100), original.points()));
        CollectionConfig other = CollectionConfig.fromJson(json("{'img': {'size': 2, 'distance': 'Dot'}}"));
        assertThrows(IllegalArgumentException.class,
                () -> CollectionIndex.restore(other, options, bytes, List.of()));
    }

    @Test
    void repairNextRepairsOneDueSpaceAtATime() {
        IndexOptions options = IndexOptions.defaults().withExactScanBelow(0).withRepairFraction(0.1)
                .withScheduledRepair(0.9);
        CollectionIndex idx = graphIndex(options);
        for (int i = 0; i < 60; i++) {
            idx.delete(PointId.of(i)); // 60 img tombstones of 300, 40 txt of 200
        }
        assertTrue(idx.repairDue());
        assertEquals(60, idx.space("img").stats().tombstones());
        assertTrue(idx.repairNext());
        assertEquals(0, idx.space("img").stats().tombstones(), "the space with the most tombstones first");
        assertEquals(40, idx.space("txt").stats().tombstones());
        assertTrue(idx.repairNext());
        assertFalse(idx.repairDue());
        assertFalse(idx.repairNext());
        assertEquals(List.of("60", "61", "62"), ids(search(idx, "{'limit': 3}")));
    }

    /**
     * A filter whose {@code must} match the keyword index answers gives exactly the exact-scan result of the same
     * condition under {@code should} (which the index does not answer), before and after the points change.
     */
    @Test
    void theKeywordIndexNeverChangesAResult() {
        CollectionIndex idx = new CollectionIndex(NAMED, IndexOptions.defaults().withExactScanBelow(512));
        Random rnd = new Random(3);
        for (int i = 0; i < 3000; i++) {
            idx.upsert(randomPoint(rnd, i));
        }
        compareMustWithShould(idx, rnd, 50);
        for (int i = 0; i < 1500; i++) {
            int id = rnd.nextInt(3200);
            if (rnd.nextInt(5) == 0) {
                idx.delete(PointId.of(id));
            } else {
                idx.upsert(randomPoint(rnd, id));
            }
        }
        compareMustWithShould(idx, rnd, 150);
    }

    @Test
    void linkingTakesTheNamedVectorsInTurn() {
        CollectionIndex idx = new CollectionIndex(NAMED,
                IndexOptions.defaults().withExactScanBelow(16).withDeferredLinking(1_000));
        Random rnd = new Random(5);
        for (int i = 0; i < 100; i++) {
            idx.upsert(randomPoint(rnd, i));
        }
        int img = idx.space("img").pending();
        int txt = idx.space("txt").pending();
        assertEquals(img, txt, "both spaces took the same writes");
        assertEquals(img + txt, idx.pending());
        idx.linkPending(0); // the smallest slice: one vector, of one space
        idx.linkPending(0);
        assertEquals(img - 1, idx.space("img").pending(), "one each, not two of the first");
        assertEquals(txt - 1, idx.space("txt").pending());
        assertEquals(0, idx.linkPending(Long.MAX_VALUE));
    }

    private static Point randomPoint(Random rnd, int id) {
        String c = switch (rnd.nextInt(4)) {
            case 0 -> "['v" + rnd.nextInt(20) + "', " + rnd.nextInt(20) + "]";
            case 1 -> "'v" + rnd.nextInt(20) + "'";
            case 2 -> String.valueOf(rnd.nextInt(20));
            default -> rnd.nextInt(20) + ".0";
        };
        return Points.fromJson(NAMED, json("{'id': " + id + ", 'vector': {'img': [" + rnd.nextGaussian() + ", "
                + rnd.nextGaussian() + "], 'txt': [" + rnd.nextGaussian() + ", " + rnd.nextGaussian() + "]},"
                + " 'payload': {'c': " + c + "}}"));
    }

    private static void compareMustWithShould(CollectionIndex idx, Random rnd, int searches) {
        for (int t = 0; t < searches; t++) {
            String condition = rnd.nextBoolean()
                    ? "{'key': 'c', 'match': {'value': 'v" + rnd.nextInt(20) + "'}}"
                    : "{'key': 'c', 'match': {'any': [" + rnd.nextInt(20) + ", " + rnd.nextInt(20) + "]}}";
            String query = "'query': [" + rnd.nextGaussian() + ", " + rnd.nextGaussian() + "], 'using': '"
                    + (rnd.nextBoolean() ? "img" : "txt") + "', 'limit': 10";
            List<ScoredPoint> viaIndex = search(idx, "{" + query + ", 'filter': {'must': [" + condition + "]}}");
            List<ScoredPoint> exact = search(idx, "{" + query + ", 'filter': {'should': [" + condition + "]},"
                    + " 'params': {'exact': true}}");
            assertEquals(ids(exact), ids(viaIndex), condition + " " + query);
            assertEquals(exact.stream().map(ScoredPoint::score).toList(),
                    viaIndex.stream().map(ScoredPoint::score).toList(), condition + " " + query);
        }
    }
}
