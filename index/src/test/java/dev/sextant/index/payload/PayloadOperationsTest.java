package dev.sextant.index.payload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sextant.index.Point;
import dev.sextant.index.PointId;
import dev.sextant.index.QdrantException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Qdrant's payload operations (documentation "Payload", "Update payload"; server v1.19 {@code json_path}):
 * exact payloads after each operation, inputs left untouched, the bodies' errors, selectors and round trips.
 * JSON in the tests uses single quotes for readability.
 */
class PayloadOperationsTest {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final Map<String, float[]> VECTORS = Map.of("", new float[] {1, 0});
    static final PointId ID = PointId.of(7);

    static JsonNode json(String s) {
        try {
            return MAPPER.readTree(s.replace('\'', '"'));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    static void assertError(int code, String contains, Executable run) {
        QdrantException e = assertThrows(QdrantException.class, run);
        assertEquals(code, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains(contains), "\"" + e.getMessage() + "\" should contain \"" + contains + "\"");
    }

    static Point point(String payload) {
        return new Point(ID, VECTORS, payload == null ? null : (ObjectNode) json(payload));
    }

    /** Applies the operation to a point with {@code before} and checks the payload after, and that nothing else changed. */
    static void assertApplied(String operation, String body, String before, String after) {
        PayloadOperation op = PayloadOperations.parse(operation, json(body));
        Point input = point(before);
        ObjectNode opJson = op.toJson();
        Point output = op.apply(input);
        assertEquals(json(after), output.payload(), operation + " " + body + " on " + before);
        assertEquals(before == null ? null : json(before), input.payload(), "the input point is unchanged");
        assertEquals(opJson, op.toJson(), "the operation is unchanged");
        assertEquals(ID, output.id());
        assertSame(VECTORS, output.vectors(), "the vectors are shared, not copied");
        // applying again to the output does not disturb the output either
        op.apply(output);
        assertEquals(json(after), output.payload());
    }

    // ---------------------------------------------------------------- set_payload

    @Test
    void setPayloadReplacesTopLevelKeysAndKeepsTheOthers() {
        assertApplied("set_payload", "{'payload': {'b': {'y': 2}, 'c': [3]}, 'points': [7]}",
                "{'a': 1, 'b': {'x': 1}}",
                "{'a': 1, 'b': {'y': 2}, 'c': [3]}");
        // no payload yet
        assertApplied("set_payload", "{'payload': {'c': 'x'}, 'points': [7]}", null, "{'c': 'x'}");
        // a key set to null is removed (Qdrant's merge)
        assertApplied("set_payload", "{'payload': {'a': null, 'd': false}, 'points': [7]}",
                "{'a': 1, 'b': 2}",
                "{'b': 2, 'd': false}");
    }

    @Test
    void setPayloadWithAKeyMergesIntoTheNestedObject() {
        // the documentation's example
        assertApplied("set_payload", "{'payload': {'nested_property': 'qux'}, 'key': 'property1', 'points': [7]}",
                "{'property1': {'nested_property': 'foo'}, 'property2': {'nested_property': 'bar'}}",
                "{'property1': {'nested_property': 'qux'}, 'property2': {'nested_property': 'bar'}}");
        // the other keys of the nested object stay; a null removes one
        assertApplied("set_payload", "{'payload': {'b': 5, 'c': null}, 'key': 'a', 'points': [7]}",
                "{'a': {'c': 1, 'd': 2}, 'f': 3}",
                "{'a': {'d': 2, 'b': 5}, 'f': 3}");
        // missing objects on the way are created; a scalar on the way is replaced by an object
        assertApplied("set_payload", "{'payload': {'c': 1}, 'key': 'key1.key2', 'points': [7]}", "{}",
                "{'key1': {'key2': {'c': 1}}}");
        assertApplied("set_payload", "{'payload': {'x': 1}, 'key': 'a.b.c', 'points': [7]}", "{'a': 10}",
                "{'a': {'b': {'c': {'x': 1}}}}");
        // a quoted key holds a dot
        assertApplied("set_payload", "{'payload': {'x': 1}, 'key': '\\\"a.b\\\"', 'points': [7]}", "{'a': {'b': 0}}",
                "{'a': {'b': 0}, 'a.b': {'x': 1}}");
    }

    @Test
    void setPayloadWithArrayPaths() {
        String before = "{'a': {'b': [{'c': 1}, {'c': 2}, {'d': {'e': 3}}]}, 'f': 3}";
        // [n] enters one existing element
        assertApplied("set_payload", "{'payload': {'c': 5}, 'key': 'a.b[1]', 'points': [7]}", before,
                "{'a': {'b': [{'c': 1}, {'c': 5}, {'d': {'e': 3}}]}, 'f': 3}");
        // an index past the end sets nothing (Qdrant v1.19 does not grow the array)
        assertApplied("set_payload", "{'payload': {'c': 5}, 'key': 'a.b[5]', 'points': [7]}", before, before);
        // [] enters every element; an element that is not an object becomes one
        assertApplied("set_payload", "{'payload': {'x': 9}, 'key': 'arr[]', 'points': [7]}",
                "{'arr': [{'x': 1}, {'y': 2}, 3]}",
                "{'arr': [{'x': 9}, {'y': 2, 'x': 9}, {'x': 9}]}");
        assertApplied("set_payload", "{'payload': {'x': 9}, 'key': 'arr[].in', 'points': [7]}",
                "{'arr': [{'in': {'x': 1, 'y': 1}}, {}]}",
                "{'arr': [{'in': {'x': 9, 'y': 1}}, {'in': {'x': 9}}]}");
        // an array step where there is no array leaves an empty array and sets nothing
        assertApplied("set_payload", "{'payload': {'c': 1}, 'key': 'key1.key2[].key3', 'points': [7]}", "{}",
                "{'key1': {'key2': []}}");
        assertApplied("set_payload", "{'payload': {'c': 1}, 'key': 'a[0]', 'points': [7]}", "{'a': 'text'}",
                "{'a': []}");
    }

    // ---------------------------------------------------------------- overwrite_payload

    @Test
    void overwritePayloadReplacesTheWholePayload() {
        assertApplied("overwrite_payload", "{'payload': {'x': [1, 2], 'n': null}, 'points': [7]}",
                "{'a': 1, 'x': {'y': 1}}",
                "{'x': [1, 2], 'n': null}");
        assertApplied("overwrite_payload", "{'payload': {}, 'points': [7]}", "{'a': 1}", "{}");
        assertApplied("overwrite_payload", "{'payload': {'a': 2}, 'points': [7]}", null, "{'a': 2}");
        // a key is checked, then ignored, as Qdrant v1.19 does
        assertApplied("overwrite_payload", "{'payload': {'a': 2}, 'key': 'b', 'points': [7]}", "{'b': {}}", "{'a': 2}");
        assertError(400, "invalid payload key", () -> OverwritePayload.fromJson(json("{'payload': {}, 'key': 'a..b', 'points': [1]}")));
    }

    // ---------------------------------------------------------------- delete_payload

    @Test
    void deletePayloadRemovesKeysAndNestedPaths() {
        String before = "{'a': 1, 'b': {'c': 123, 'e': {'f': [1, 2, 3], 'g': 7, 'i': [{'j': 1, 'k': 2}, {'j': 3, 'k': 4}]}}}";
        assertApplied("delete_payload", "{'keys': ['a', 'b.c'], 'points': [7]}", before,
                "{'b': {'e': {'f': [1, 2, 3], 'g': 7, 'i': [{'j': 1, 'k': 2}, {'j': 3, 'k': 4}]}}}");
        // [] walks through every element; a final [] empties the array
        assertApplied("delete_payload", "{'keys': ['b.e.i[].k', 'b.e.f[]'], 'points': [7]}", before,
                "{'a': 1, 'b': {'c': 123, 'e': {'f': [], 'g': 7, 'i': [{'j': 1}, {'j': 3}]}}}");
        // [n] enters one element; a final [n] removes nothing (Qdrant: not idempotent)
        assertApplied("delete_payload", "{'keys': ['b.e.i[0].j', 'b.e.f[1]'], 'points': [7]}", before,
                "{'a': 1, 'b': {'c': 123, 'e': {'f': [1, 2, 3], 'g': 7, 'i': [{'k': 2}, {'j': 3, 'k': 4}]}}}");
        // paths that reach nothing change nothing; a whole nested object goes at once
        assertApplied("delete_payload", "{'keys': ['k', 'b.e.l', 'a.x', 'b.c[]'], 'points': [7]}", before, before);
        assertApplied("delete_payload", "{'keys': ['b'], 'points': [7]}", before, "{'a': 1}");
        assertApplied("delete_payload", "{'keys': ['a'], 'points': [7]}", null, "{}");
        assertApplied("delete_payload", "{'keys': [], 'points': [7]}", "{'a': 1}", "{'a': 1}");
    }

    // ---------------------------------------------------------------- clear_payload

    @Test
    void clearPayloadLeavesAnEmptyPayload() {
        assertApplied("clear_payload", "{'points': [7]}", "{'a': 1, 'b': {'c': 2}}", "{}");
        assertApplied("clear_payload", "{'filter': {'must': {'key': 'a', 'match': {'value': 1}}}}", null, "{}");
    }

    // ---------------------------------------------------------------- selectors

    @Test
    void selectorsReadPointsOrFilterAndPointsWin() {
        PointSelector ids = SetPayload.fromJson(json("{'payload': {}, 'points': [1, '5c56c793-69f3-4fbf-87e6-c4bf54c28c26', 1]}")).selector();
        assertEquals(new PointSelector.Ids(List.of(PointId.of(1),
                PointId.of(UUID.fromString("5c56c793-69f3-4fbf-87e6-c4bf54c28c26")), PointId.of(1))), ids);
        assertTrue(ids.matches(new Point(PointId.of(1), VECTORS, null)));
        assertFalse(ids.matches(new Point(PointId.of(2), VECTORS, null)));

        PointSelector filter = DeletePayload.fromJson(json(
                "{'keys': ['a'], 'filter': {'must': [{'key': 'color', 'match': {'value': 'red'}}], 'must_not': {'has_id': [3]}}}")).selector();
        PointSelector.Matching matching = assertInstanceOf(PointSelector.Matching.class, filter);
        assertTrue(matching.matches(new Point(PointId.of(1), VECTORS, (ObjectNode) json("{'color': ['blue', 'red']}"))));
        assertFalse(matching.matches(new Point(PointId.of(3), VECTORS, (ObjectNode) json("{'color': 'red'}"))));
        assertFalse(matching.matches(new Point(PointId.of(1), VECTORS, (ObjectNode) json("{'color': 'blue'}"))));
        assertFalse(matching.matches(new Point(PointId.of(1), VECTORS, null)));

        // both: the ids are used, the filter is still checked
        assertInstanceOf(PointSelector.Ids.class,
                SetPayload.fromJson(json("{'payload': {}, 'points': [1], 'filter': {'must': []}}")).selector());
        assertError(400, "filter", () -> SetPayload.fromJson(json("{'payload': {}, 'points': [1], 'filter': {'bad': 1}}")));
        // null counts as absent
        assertInstanceOf(PointSelector.Matching.class,
                ClearPayload.fromJson(json("{'points': null, 'filter': {'must': []}}")).selector());

        // delete: ids or a filter
        assertEquals(new PointSelector.Ids(List.of(PointId.of(4))), PayloadOperations.deletePoints(json("{'points': [4]}")));
        PointSelector byFilter = PayloadOperations.deletePoints(json("{'filter': {'should': [{'key': 'n', 'range': {'gte': 2}}]}}"));
        assertTrue(byFilter.matches(new Point(PointId.of(1), VECTORS, (ObjectNode) json("{'n': 2.5}"))));
        assertFalse(byFilter.matches(new Point(PointId.of(1), VECTORS, (ObjectNode) json("{'n': 1}"))));
    }

    @Test
    void everyOperationRoundTripsThroughItsBody() {
        for (String[] op : new String[][] {
            {"set_payload", "{'payload': {'a': {'b': [1, 2.5, null]}}, 'points': [1, 2], 'key': 'x[].\\\"y.z\\\"'}"},
            {"set_payload", "{'payload': {}, 'filter': {'must_not': {'is_empty': {'key': 'a'}}}}"},
            {"overwrite_payload", "{'payload': {'a': 'b'}, 'filter': {'should': [], 'min_should': {'conditions': [{'has_id': [1]}], 'min_count': 1}}}"},
            {"delete_payload", "{'keys': ['a', 'b[].c'], 'points': ['5c56c793-69f3-4fbf-87e6-c4bf54c28c26']}"},
            {"clear_payload", "{'filter': {'must': {'key': 'n', 'range': {'lt': 1e-3}}}}"},
            {"clear_payload", "{'points': []}"},
        }) {
            PayloadOperation parsed = PayloadOperations.parse(op[0], json(op[1]));
            assertEquals(op[0], parsed.name());
            PayloadOperation again = PayloadOperations.parse(op[0], parsed.toJson());
            assertEquals(parsed, again, op[1]);
            assertEquals(parsed.toJson(), again.toJson());
        }
        // the canonical body: fields in a fixed order, unknown fields dropped (ids are written as longs: compare text)
        assertEquals(json("{'payload': {'a': 1}, 'points': [3], 'key': 'k.l'}").toString(),
                PayloadOperations.parse("set_payload", json("{'key': 'k.l', 'points': [3], 'payload': {'a': 1}, 'unknown': 0}"))
                        .toJson().toString());
    }

    @Test
    void theOperationKeepsItsOwnCopyOfThePayload() {
        ObjectNode body = (ObjectNode) json("{'payload': {'a': {'b': 1}}, 'points': [7]}");
        SetPayload op = SetPayload.fromJson(body);
        ((ObjectNode) body.get("payload").get("a")).put("b", 2);
        op.payload().put("c", 3);
        assertEquals(json("{'a': {'b': 1}}"), op.apply(point(null)).payload());
        // and a result's payload is its own: changing it changes no later result
        op.apply(point(null)).payload().put("d", 4);
        assertEquals(json("{'a': {'b': 1}}"), op.apply(point(null)).payload());
    }

    // ---------------------------------------------------------------- errors

    @Test
    void malformedBodiesGetQdrantsErrors() {
        assertError(400, "Format error in JSON body: expected an object", () -> SetPayload.fromJson(json("[1]")));
        assertError(400, "Format error in JSON body: expected an object", () -> ClearPayload.fromJson(null));
        assertError(400, "missing field `payload`", () -> SetPayload.fromJson(json("{'points': [1]}")));
        assertError(400, "missing field `payload`", () -> OverwritePayload.fromJson(json("{'payload': null, 'points': [1]}")));
        assertError(400, "payload: expected an object", () -> SetPayload.fromJson(json("{'payload': [1], 'points': [1]}")));
        assertError(400, "Either list of point ids or filter must be provided", () -> SetPayload.fromJson(json("{'payload': {}}")));
        assertError(400, "Either list of point ids or filter must be provided",
                () -> DeletePayload.fromJson(json("{'keys': ['a'], 'points': null, 'filter': null}")));
        assertError(400, "data did not match any variant of untagged enum PointsSelector", () -> ClearPayload.fromJson(json("{}")));
        assertError(400, "data did not match any variant of untagged enum PointsSelector",
                () -> PayloadOperations.deletePoints(json("{'ids': [1]}")));
        assertError(400, "points: expected a list of point ids", () -> PayloadOperations.deletePoints(json("{'points': 1}")));
        assertError(400, "point id must be an unsigned integer or a UUID", () -> PayloadOperations.deletePoints(json("{'points': [-1]}")));
        assertError(400, "point id must be an unsigned integer or a UUID", () -> ClearPayload.fromJson(json("{'points': ['12']}")));
        assertError(400, "Format error in JSON body: filter", () -> ClearPayload.fromJson(json("{'filter': {'must': {'key': 'a', 'geo_radius': {}}}}")));
        assertError(422, "At least one field condition must be specified",
                () -> PayloadOperations.deletePoints(json("{'filter': {'must': {'key': 'a'}}}")));
        assertError(400, "key: expected a payload key string", () -> SetPayload.fromJson(json("{'payload': {}, 'points': [1], 'key': 1}")));
        assertError(400, "invalid payload key", () -> SetPayload.fromJson(json("{'payload': {}, 'points': [1], 'key': 'a.'}")));
        assertError(400, "missing field `keys`", () -> DeletePayload.fromJson(json("{'points': [1]}")));
        assertError(400, "keys: expected a list", () -> DeletePayload.fromJson(json("{'keys': 'a', 'points': [1]}")));
        assertError(400, "keys: expected a payload key string", () -> DeletePayload.fromJson(json("{'keys': [1], 'points': [1]}")));
        assertError(400, "invalid payload key", () -> DeletePayload.fromJson(json("{'keys': ['[0]'], 'points': [1]}")));
        assertError(400, "shard keys are not supported", () -> ClearPayload.fromJson(json("{'points': [1], 'shard_key': 'a'}")));
        assertError(400, "unknown payload operation `upsert`", () -> PayloadOperations.parse("upsert", json("{}")));

        QdrantException missing = PayloadOperations.pointNotFound(PointId.of(42));
        assertEquals(404, missing.code());
        assertEquals("No point with id 42 found", missing.getMessage());
        assertNull(SetPayload.fromJson(json("{'payload': {}, 'points': [1]}")).key());
    }
}
