package dev.sextant.index.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.Iterator;
import java.util.Locale;

/**
 * Compares an answer with a case's expectation exactly as README §6 step 4 says: status code; for errors
 * the message substring and no result; for successes the ids in order, scores within
 * {@code tolerance × max(1, |expected|)}, payloads / vectors when the case checks them, batches item by
 * item. Takes Qdrant-shaped JSON, so it works for any way of running the request.
 */
public final class ConformanceAssert {
    private ConformanceAssert() {}

    /**
     * @param c the case
     * @param code the answer's status code (200 on success)
     * @param errorMessage the error message, or {@code null} on success
     * @param result on success {@code {"points": [...]}} (query) or a list of those (query_batch); on
     *     failure {@code null}
     */
    public static void assertMatches(ConformanceCase c, int code, String errorMessage, JsonNode result) {
        ConformanceCase.Expect e = c.expect();
        String where = c.name() + ": ";
        assertEquals(e.code(), code, where + "status code (error: " + errorMessage + ", result: " + result + ")");
        if (e.code() != 200) {
            assertNotNull(errorMessage, where + "an error needs a message");
            assertTrue(errorMessage.contains(e.errorContains()),
                    where + "error message \"" + errorMessage + "\" should contain \"" + e.errorContains() + "\"");
            assertTrue(result == null || result.isNull() || result.isMissingNode(),
                    where + "a failed request returns no result, got " + result);
            return;
        }
        assertNotNull(result, where + "missing result");
        if (c.batch()) {
            assertTrue(result.isArray(), where + "a batch result is a list, got " + result);
            assertEquals(e.result().size(), result.size(), where + "number of batch results");
            for (int i = 0; i < result.size(); i++) {
                assertPoints(where + "search " + i + ": ", e, e.result().get(i), result.get(i));
            }
        } else {
            assertPoints(where, e, e.result(), result);
        }
    }

    private static void assertPoints(String where, ConformanceCase.Expect e, JsonNode expected, JsonNode actual) {
        JsonNode want = expected.get("points");
        JsonNode got = actual.get("points");
        assertNotNull(got, where + "the result has no \"points\": " + actual);
        assertEquals(ids(want), ids(got), where + "ids in order (got " + got + ")");
        for (int i = 0; i < want.size(); i++) {
            JsonNode w = want.get(i);
            JsonNode g = got.get(i);
            String at = where + "point " + w.get("id") + ": ";
            assertTrue(g.path("score").isNumber(), at + "score missing");
            assertClose(w.get("score").doubleValue(), g.get("score").doubleValue(), e.scoreTolerance(), at + "score");
            if (Boolean.TRUE.equals(e.withPayload())) {
                assertTrue(g.hasNonNull("payload"), at + "payload missing");
                assertTrue(jsonEquals(w.get("payload"), g.get("payload"), 0),
                        at + "payload " + g.get("payload") + " should be " + w.get("payload"));
            } else if (Boolean.FALSE.equals(e.withPayload())) {
                assertTrue(!g.hasNonNull("payload"), at + "no payload expected, got " + g.get("payload"));
            }
            if (Boolean.TRUE.equals(e.withVector())) {
                assertTrue(g.hasNonNull("vector"), at + "vector missing");
                assertTrue(jsonEquals(w.get("vector"), g.get("vector"), e.scoreTolerance()),
                        at + "vector " + g.get("vector") + " should be " + w.get("vector"));
            } else if (Boolean.FALSE.equals(e.withVector())) {
                assertTrue(!g.hasNonNull("vector"), at + "no vector expected, got " + g.get("vector"));
            }
        }
    }

    /** Ids as comparable text: integers canonical decimal, UUIDs lowercase. */
    private static String ids(JsonNode points) {
        StringBuilder sb = new StringBuilder("[");
        for (JsonNode p : points) {
            JsonNode id = p.get("id");
            if (sb.length() > 1) {
                sb.append(", ");
            }
            if (id == null) {
                sb.append("<no id>");
            } else if (id.isIntegralNumber()) {
                sb.append(id.bigIntegerValue());
            } else if (id.isTextual() && id.textValue().matches("\\d+")) {
                sb.append("\"").append(new BigInteger(id.textValue())).append("\"");
            } else {
                sb.append(id.asText().toLowerCase(Locale.ROOT));
            }
        }
        return sb.append("]").toString();
    }

    private static void assertClose(double expected, double actual, double tolerance, String what) {
        double allowed = tolerance * Math.max(1.0, Math.abs(expected));
        if (!(Math.abs(actual - expected) <= allowed)) {
            fail(what + ": expected " + expected + " ± " + allowed + ", got " + actual);
        }
    }

    /**
     * JSON equality with numbers compared by value; with {@code tolerance > 0} numbers may differ by
     * {@code tolerance × max(1, |expected|)} (vector components).
     */
    static boolean jsonEquals(JsonNode want, JsonNode got, double tolerance) {
        if (want == null || got == null) {
            return want == got;
        }
        if (want.isNumber()) {
            if (!got.isNumber()) {
                return false;
            }
            if (tolerance > 0) {
                return Math.abs(want.doubleValue() - got.doubleValue()) <= tolerance * Math.max(1.0, Math.abs(want.doubleValue()));
            }
            return want.decimalValue().compareTo(got.decimalValue()) == 0;
        }
        if (want.isArray()) {
            if (!got.isArray() || got.size() != want.size()) {
                return false;
            }
            for (int i = 0; i < want.size(); i++) {
                if (!jsonEquals(want.get(i), got.get(i), tolerance)) {
                    return false;
                }
            }
            return true;
        }
        if (want.isObject()) {
            if (!got.isObject() || got.size() != want.size()) {
                return false;
            }
            for (Iterator<String> it = want.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!got.has(k) || !jsonEquals(want.get(k), got.get(k), tolerance)) {
                    return false;
                }
            }
            return true;
        }
        return want.equals(got);
    }
}
