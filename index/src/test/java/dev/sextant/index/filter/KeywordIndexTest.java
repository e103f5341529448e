package dev.sextant.index.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sextant.index.Point;
import dev.sextant.index.PointId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The keyword index narrows a filter's candidates to a superset of what it admits, through every change. */
class KeywordIndexTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Filter filter(String text) {
        return FilterParser.parse(json(text), "filter");
    }

    private static Point point(long id, String payload) {
        return new Point(PointId.of(id), Map.of(), (ObjectNode) json(payload));
    }

    /** The ids {@code filter} admits among {@code points}, by testing each. */
    private static Set<PointId> admitted(Filter filter, Map<PointId, Point> points) {
        Set<PointId> out = new HashSet<>();
        points.values().forEach(p -> {
            if (filter.test(p)) {
                out.add(p.id());
            }
        });
        return out;
    }

    @Test
    void valuesMatchAsMatchValueComparesThem() {
        Map<PointId, Point> points = new HashMap<>();
        for (Point p : List.of(
                point(1, "{\"k\": 10}"),
                point(2, "{\"k\": 10.0}"),
                point(3, "{\"k\": \"10\"}"),
                point(4, "{\"k\": [10, \"x\"]}"),
                point(5, "{\"k\": [[10]]}"),
                point(6, "{\"k\": true}"),
                point(7, "{\"k\": \"true\"}"),
                point(8, "{\"k\": null}"),
                point(9, "{\"other\": 10}"),
                point(10, "{\"a\": [{\"k\": 10}, {\"k\": 11}]}"))) {
            points.put(p.id(), p);
        }
        KeywordIndex index = new KeywordIndex();
        for (String f : List.of(
                "{\"must\": [{\"key\": \"k\", \"match\": {\"value\": 10}}]}",
                "{\"must\": [{\"key\": \"k\", \"match\": {\"value\": \"10\"}}]}",
                "{\"must\": [{\"key\": \"k\", \"match\": {\"value\": true}}]}",
                "{\"must\": [{\"key\": \"k\", \"match\": {\"value\": \"true\"}}]}",
                "{\"must\": [{\"key\": \"k\", \"match\": {\"any\": [\"x\", \"10\"]}}]}",
                "{\"must\": [{\"key\": \"k\", \"match\": {\"any\": [10, 12]}}]}",
                "{\"must\": [{\"key\": \"a[].k\", \"match\": {\"value\": 11}}]}")) {
            Filter filter = filter(f);
            assertEquals(admitted(filter, points), index.candidates(filter, points.values()), f);
        }
        assertEquals(Set.of(PointId.of(1), PointId.of(4)),
                index.candidates(filter("{\"must\": [{\"key\": \"k\", \"match\": {\"value\": 10}}]}"), points.values()));
    }

    @Test
    void conditionsTheIndexCannotAnswerLeaveEveryPointACandidate() {
        List<Point> points = List.of(point(1, "{\"k\": 1.5}"));
        KeywordIndex index = new KeywordIndex();
        for (String f : List.of(
                "{\"should\": [{\"key\": \"k\", \"match\": {\"value\": 1}}]}",
                "{\"must_not\": [{\"key\": \"k\", \"match\": {\"value\": 1}}]}",
                "{\"must\": [{\"key\": \"k\", \"range\": {\"gte\": 1}}]}",
                "{\"must\": [{\"key\": \"k\", \"match\": {\"except\": [1]}}]}",
                "{\"must\": [{\"has_id\": [1]}]}")) {
            assertNull(index.candidates(filter(f), points), f);
        }
        assertEquals(Set.of(), index.keys(), "nothing indexed for conditions it cannot answer");
    }

    @Test
    void theSmallestMustConditionWins() {
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            points.add(point(i, "{\"common\": \"yes\", \"rare\": " + (i % 50) + "}"));
        }
        Set<PointId> c = new KeywordIndex().candidates(filter("""
                {"must": [{"key": "common", "match": {"value": "yes"}}, {"key": "rare", "match": {"value": 7}}]}"""),
                points);
        assertEquals(Set.of(PointId.of(7), PointId.of(57)), c);
    }

    /** Random payloads, upserts, payload changes and deletes: candidates always hold every admitted point. */
    @Test
    void candidatesStayASupersetThroughChanges() {
        Random rnd = new Random(5);
        String[] values = {"\"a\"", "\"b\"", "1", "2", "2.0", "true", "false", "null", "[\"a\", 2]", "[]", "[[\"b\"]]"};
        List<Filter> filters = new ArrayList<>();
        for (String key : List.of("x", "y", "n.z")) {
            filters.add(filter("{\"must\": [{\"key\": \"" + key + "\", \"match\": {\"value\": \"a\"}}]}"));
            filters.add(filter("{\"must\": [{\"key\": \"" + key + "\", \"match\": {\"value\": 2}}]}"));
            filters.add(filter("{\"must\": [{\"key\": \"" + key + "\", \"match\": {\"value\": true}}]}"));
            filters.add(filter("{\"must\": [{\"key\": \"" + key + "\", \"match\": {\"any\": [1, 2]}}]}"));
            filters.add(filter("{\"must\": [{\"key\": \"" + key + "\", \"match\": {\"any\": [\"b\", \"a\"]}}],"
                    + " \"must_not\": [{\"key\": \"y\", \"match\": {\"value\": \"a\"}}]}"));
        }
        KeywordIndex index = new KeywordIndex();
        Map<PointId, Point> points = new HashMap<>();
        for (int step = 0; step < 3000; step++) {
            long id = rnd.nextInt(60);
            PointId pid = PointId.of(id);
            if (rnd.nextInt(5) == 0) {
                Point old = points.remove(pid);
                if (old != null) {
                    index.remove(old);
                }
            } else {
                String payload = "{\"x\": " + values[rnd.nextInt(values.length)] + ", \"y\": "
                        + values[rnd.nextInt(values.length)] + ", \"n\": {\"z\": " + values[rnd.nextInt(values.length)]
                        + "}}";
                Point now = point(id, payload);
                index.replace(points.put(pid, now), now);
            }
            if (step % 50 == 0) {
                Filter f = filters.get(rnd.nextInt(filters.size()));
                Set<PointId> want = admitted(f, points);
                Set<PointId> got = index.candidates(f, points.values());
                assertTrue(got.containsAll(want), "step " + step + ": " + want + " not all in " + got);
                for (PointId c : got) {
                    assertTrue(points.containsKey(c), "a deleted point stayed a candidate: " + c);
                }
            }
        }
        assertEquals(3, index.keys().size());
    }

    @Test
    void atMostMaxKeysAreIndexed() {
        List<Point> points = List.of(point(1, "{\"k0\": \"v\"}"));
        KeywordIndex index = new KeywordIndex();
        for (int i = 0; i < KeywordIndex.MAX_KEYS; i++) {
            assertEquals(i == 0 ? Set.of(PointId.of(1)) : Set.of(), index.candidates(
                    filter("{\"must\": [{\"key\": \"k" + i + "\", \"match\": {\"value\": \"v\"}}]}"), points));
        }
        assertNull(index.candidates(filter("{\"must\": [{\"key\": \"more\", \"match\": {\"value\": \"v\"}}]}"), points));
        assertEquals(Set.of(PointId.of(1)), index.candidates(filter("""
                {"must": [{"key": "more", "match": {"value": "v"}}, {"key": "k0", "match": {"value": "v"}}]}"""),
                points), "keys indexed before still answer");
    }
}
