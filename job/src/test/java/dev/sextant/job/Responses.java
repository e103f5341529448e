package dev.sextant.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

/** Assertions on responses and acknowledgments read from the job's output topics. */
final class Responses {
    private Responses() {}

    static final double TOLERANCE = 1e-4;

    /** A 200 response whose points are exactly {@code ids} (in order) with {@code scores} (within 1e-4). */
    static void assertPoints(JsonNode response, long[] ids, double[] scores) {
        assertEquals(200, response.path("code").asInt(), response.toString());
        assertHits(response.path("result").path("points"), ids, scores, response);
    }

    /** One result (a {@code {"points": [...]}} object) of a response. */
    static void assertHits(JsonNode points, long[] ids, double[] scores, JsonNode response) {
        assertEquals(ids.length, points.size(), response.toString());
        for (int i = 0; i < ids.length; i++) {
            assertEquals(ids[i], points.get(i).get("id").asLong(), "id at " + i + " in " + response);
            assertEquals(scores[i], points.get(i).get("score").asDouble(), TOLERANCE, "score at " + i + " in " + response);
        }
    }

    /** An error response with {@code code} whose message contains {@code contains}, and no result. */
    static void assertError(JsonNode response, int code, String contains) {
        assertEquals(code, response.path("code").asInt(), response.toString());
        assertTrue(response.at("/status/error").asText().contains(contains), response.toString());
        assertFalse(response.has("result"), response.toString());
    }

    /**
     * Asserts {@code actual} equals {@code expected} as JSON, numbers (scores, vector components, payload values)
     * within {@code tolerance}; array elements in the same order, an object's fields in any order.
     *
     * @param what names the value in failure messages
     */
    static void assertSameJson(JsonNode expected, JsonNode actual, double tolerance, String what) {
        assertSameJson(expected, actual, tolerance, what, "");
    }

    private static void assertSameJson(JsonNode expected, JsonNode actual, double tolerance, String what, String at) {
        String where = what + " at " + (at.isEmpty() ? "/" : at);
        if (expected.isNumber()) {
            assertTrue(actual.isNumber(), where + ": expected a number, got " + actual);
            assertEquals(expected.asDouble(), actual.asDouble(), tolerance, where);
            return;
        }
        assertEquals(expected.getNodeType(), actual.getNodeType(), where + ": " + actual);
        if (expected.isArray()) {
            assertEquals(expected.size(), actual.size(), where + ": array size, got " + actual);
            for (int i = 0; i < expected.size(); i++) {
                assertSameJson(expected.get(i), actual.get(i), tolerance, what, at + "/" + i);
            }
        } else if (expected.isObject()) {
            java.util.List<String> expectedNames = new java.util.ArrayList<>();
            expected.fieldNames().forEachRemaining(expectedNames::add);
            java.util.List<String> actualNames = new java.util.ArrayList<>();
            actual.fieldNames().forEachRemaining(actualNames::add);
            assertEquals(new java.util.TreeSet<>(expectedNames), new java.util.TreeSet<>(actualNames), where + ": fields");
            for (String name : expectedNames) {
                assertSameJson(expected.get(name), actual.get(name), tolerance, what, at + "/" + name);
            }
        } else {
            assertEquals(expected, actual, where);
        }
    }

    /** A failed acknowledgment of {@code opId} with {@code code} whose message contains {@code contains}. */
    static void assertFailedAck(RunningJob job, String opId, int code, String contains) throws InterruptedException {
        JsonNode ack = job.awaitKey(opId).value();
        assertEquals(code, ack.path("code").asInt(), ack.toString());
        assertTrue(ack.at("/status/error").asText().contains(contains), ack.toString());
    }
}
