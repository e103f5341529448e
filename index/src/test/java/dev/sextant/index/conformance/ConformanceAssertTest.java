package dev.sextant.index.conformance;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** The comparison of README §6 step 4 accepts right answers and rejects each kind of wrong one. */
class ConformanceAssertTest {
    static final ObjectMapper MAPPER = new ObjectMapper();

    static JsonNode json(String s) {
        try {
            return MAPPER.readTree(s.replace('\'', '"'));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    static ConformanceCase named(String name) {
        return ConformanceCases.load().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aSuccessCase() {
        // expected: 3 (0.7222222, {g:1}), 5 (−0.54545456, {g:3}), 4 (−0.7222222, {g:2}); payloads checked
        ConformanceCase c = named("uuid_examples_best_score");
        String right = "{'points': [{'id': 3, 'score': 0.72225, 'payload': {'g': 1.0}}, {'id': 5, 'score': -0.54545456, 'payload': {'g': 3}},"
                + " {'id': 4, 'score': -0.7222222, 'payload': {'g': 2}, 'vector': null}]}";
        assertDoesNotThrow(() -> ConformanceAssert.assertMatches(c, 200, null, json(right)));
        String[] wrong = {
            right.replace("'id': 5", "'id': 6"),
            right.replace("0.72225", "0.7224"),
            right.replace("{'g': 3}", "{'g': 3, 'h': 1}"),
            right.replace(", 'payload': {'g': 2}", ""),
            "{'points': [{'id': 3, 'score': 0.7222222, 'payload': {'g': 1}}, {'id': 5, 'score': -0.54545456, 'payload': {'g': 3}}]}",
            "{'points': [{'id': 3, 'score': 0.7222222, 'payload': {'g': 1}}, {'id': 4, 'score': -0.7222222, 'payload': {'g': 2}},"
                    + " {'id': 5, 'score': -0.54545456, 'payload': {'g': 3}}]}",
        };
        for (String w : wrong) {
            assertThrows(AssertionFailedError.class, () -> ConformanceAssert.assertMatches(c, 200, null, json(w)), w);
        }
        assertThrows(AssertionFailedError.class, () -> ConformanceAssert.assertMatches(c, 400, "Bad request", null));
    }

    @Test
    void vectorsAndAbsentPayloads() {
        ConformanceCase c = named("dot_nearest_raw_vector"); // with_payload false, with_vector false
        ObjectNode result = (ObjectNode) c.expect().result().deepCopy();
        assertDoesNotThrow(() -> ConformanceAssert.assertMatches(c, 200, null, result));
        ((ObjectNode) result.get("points").get(0)).putObject("payload");
        assertThrows(AssertionFailedError.class, () -> ConformanceAssert.assertMatches(c, 200, null, result));

        ConformanceCase v = named("dot_with_payload_keys_and_vector"); // vectors compared within tolerance
        ObjectNode close = (ObjectNode) v.expect().result().deepCopy();
        ((com.fasterxml.jackson.databind.node.ArrayNode) close.get("points").get(0).get("vector")).set(0, 0.36005);
        assertDoesNotThrow(() -> ConformanceAssert.assertMatches(v, 200, null, close));
        ((com.fasterxml.jackson.databind.node.ArrayNode) close.get("points").get(0).get("vector")).set(0, 0.37);
        assertThrows(AssertionFailedError.class, () -> ConformanceAssert.assertMatches(v, 200, null, close));
    }

    @Test
    void anErrorCase() {
        ConformanceCase c = named("error_missing_example_id");
        assertDoesNotThrow(() -> ConformanceAssert.assertMatches(c, 404, "Not found: No point with id 100 found", null));
        assertThrows(AssertionFailedError.class, () -> ConformanceAssert.assertMatches(c, 400, "No point with id 100 found", null));
        assertThrows(AssertionFailedError.class, () -> ConformanceAssert.assertMatches(c, 404, "No point with id 10 found", null));
        assertThrows(AssertionFailedError.class,
                () -> ConformanceAssert.assertMatches(c, 404, "No point with id 100 found", json("{'points': []}")));
    }

    @Test
    void aBatchCase() {
        ConformanceCase c = named("cosine_tied_scores_across_pages");
        assertDoesNotThrow(() -> ConformanceAssert.assertMatches(c, 200, null, c.expect().result()));
        JsonNode shorter = MAPPER.createArrayNode().add(c.expect().result().get(0)).add(c.expect().result().get(1));
        assertThrows(AssertionFailedError.class, () -> ConformanceAssert.assertMatches(c, 200, null, shorter));
        JsonNode swapped = MAPPER.createArrayNode().add(c.expect().result().get(1)).add(c.expect().result().get(0))
                .add(c.expect().result().get(2));
        assertThrows(AssertionFailedError.class, () -> ConformanceAssert.assertMatches(c, 200, null, swapped));
    }
}
