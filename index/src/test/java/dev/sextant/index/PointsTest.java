package dev.sextant.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Upsert point validation and vector rendering. */
class PointsTest {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final CollectionConfig DOT = CollectionConfig.single(3, Distance.DOT);
    static final CollectionConfig COS = CollectionConfig.single(2, Distance.COSINE);
    static final CollectionConfig NAMED = new CollectionConfig(
            Map.of("img", new VectorParams(2, Distance.DOT), "txt", new VectorParams(3, Distance.COSINE)), true);

    static JsonNode json(String s) {
        try {
            return MAPPER.readTree(s.replace('\'', '"'));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    static void assertError(String contains, CollectionConfig config, String point) {
        QdrantException e = assertThrows(QdrantException.class, () -> Points.fromJson(config, json(point)), point);
        assertEquals(400, e.code());
        assertTrue(e.getMessage().contains(contains), "\"" + e.getMessage() + "\" should contain \"" + contains + "\"");
    }

    @Test
    void aPlainPoint() {
        Point p = Points.fromJson(DOT, json("{'id': 5, 'vector': [1, 2.5, -3], 'payload': {'a': [1, 2]}}"));
        assertEquals(PointId.of(5), p.id());
        assertArrayEquals(new float[] {1, 2.5f, -3}, p.vectors().get(CollectionConfig.UNNAMED));
        assertEquals(json("{'a': [1, 2]}"), p.payload());
        assertNull(Points.fromJson(DOT, json("{'id': 5, 'vector': [1, 2, 3], 'payload': null}")).payload());
        assertNull(Points.fromJson(DOT, json("{'id': 5, 'vector': [1, 2, 3]}")).payload());
    }

    @Test
    void cosineVectorsAreNormalisedUnlessNearUnitOrTiny() {
        assertArrayEquals(new float[] {0.6f, 0.8f}, Points.fromJson(COS, json("{'id': 1, 'vector': [3, 4]}")).vectors().get(""), 1e-7f);
        float[] unit = {1.0000001f, 0f};
        Point p = Points.fromJson(COS, json("{'id': 1, 'vector': [1.0000001, 0]}"));
        assertArrayEquals(unit, p.vectors().get(""), "within 1e-6 of length 1: unchanged");
        assertArrayEquals(new float[] {1e-4f, 0f}, Points.fromJson(COS, json("{'id': 1, 'vector': [0.0001, 0]}")).vectors().get(""),
                "squared length below 1.19e-7: unchanged");
        assertArrayEquals(new float[] {0f, 0f}, Points.fromJson(COS, json("{'id': 1, 'vector': [0, 0]}")).vectors().get(""));
    }

    @Test
    void namedVectorsMayBeMissing() {
        Point p = Points.fromJson(NAMED, json("{'id': 1, 'vector': {'txt': [0, 0, 2]}}"));
        assertEquals(List.of("txt"), List.copyOf(p.vectors().keySet()));
        assertArrayEquals(new float[] {0, 0, 1}, p.vectors().get("txt"));
        assertEquals(0, Points.fromJson(NAMED, json("{'id': 2, 'vector': {}}")).vectors().size());
    }

    @Test
    void errors() {
        assertError("Vector dimension error: expected dim: 3, got 2", DOT, "{'id': 1, 'vector': [1, 2]}");
        assertError("Vector dimension error: expected dim: 2, got 3", NAMED, "{'id': 1, 'vector': {'img': [1, 2, 3]}}");
        assertError("Not existing vector name error: aud", NAMED, "{'id': 1, 'vector': {'aud': [1, 2]}}");
        assertError("Not existing vector name error: ", NAMED, "{'id': 1, 'vector': [1, 2]}");
        assertError("not a finite float32", DOT, "{'id': 1, 'vector': [1, 1e309, 0]}");
        assertError("not a finite float32", DOT, "{'id': 1, 'vector': [1, -1e39, 0]}");
        assertError("expected a number at index 1", DOT, "{'id': 1, 'vector': [1, '2', 0]}");
        assertError("multi-vectors are not supported", DOT, "{'id': 1, 'vector': [[1, 2, 3]]}");
        assertError("sparse vectors are not supported", DOT, "{'id': 1, 'vector': {'indices': [0], 'values': [1]}}");
        assertError("missing field `vector`", DOT, "{'id': 1}");
        assertError("`payload` must be an object", DOT, "{'id': 1, 'vector': [1, 2, 3], 'payload': [1]}");
        assertError("point id", DOT, "{'id': -4, 'vector': [1, 2, 3]}");
        assertError("point id is missing", DOT, "{'vector': [1, 2, 3]}");
        assertError("must be an object", DOT, "[1]");
        assertError("has no vector", DOT, "{'id': 1, 'vector': {}}");
        assertError("must not be empty", DOT, "{'id': 1, 'vector': []}");
    }

    @Test
    void renderingRoundTrips() {
        Point p = Points.fromJson(NAMED, json("{'id': '11111111-1111-1111-1111-111111111111', 'vector': {'img': [0.1, 0.2]}, 'payload': {'x': 1}}"));
        JsonNode back = Points.toJson(p, true);
        assertEquals(json("{'id': '11111111-1111-1111-1111-111111111111', 'vector': {'img': [0.1, 0.2]}, 'payload': {'x': 1}}").toString(),
                back.toString());
        Point again = Points.fromJson(NAMED, back);
        assertArrayEquals(p.vectors().get("img"), again.vectors().get("img"));
        assertEquals("[0.1,0.2]", Points.vectorJson(new float[] {0.1f, 0.2f}).toString(), "floats in their shortest form");
    }
}
