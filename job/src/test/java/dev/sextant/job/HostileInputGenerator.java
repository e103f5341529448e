package dev.sextant.job;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sextant.job.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Seeded traffic for {@link HostileInputITCase}: a fixed catalogue (collections {@value #FZ} and {@value #NAMED} that
 * valid traffic never changes, and {@value #SCRATCH} that it does), then bad and valid messages on both topics, each
 * with what the job must do with it. The same seed gives the same messages, byte for byte.
 *
 * <p>Bad point operations are all rejected whole (a dead letter, with the code given here); bad requests all get one
 * error response with the code given here. Valid point operations on the catalogue collections change nothing a query
 * sees (identical re-upserts, {@code set_payload} of the value a point already has, deletes of ids that do not exist),
 * so every valid request has one right answer whatever the interleaving; the scratch collection's operations are
 * applied in order and checked once at the end.
 */
final class HostileInputGenerator {
    static final String FZ = "fz";
    static final String NAMED = "fzn";
    static final String SCRATCH = "scratch";
    static final int FZ_DIM = 8;
    static final int FZ_POINTS = 240;
    static final int NAMED_POINTS = 60;
    /** The size of the largest message: Sextant's limit in the test must be below it, the broker's above. */
    static final int HUGE_MESSAGE_BYTES = 10 * 1024 * 1024;

    enum Topic { POINTS, REQUESTS }

    /** What the job must do with one message. */
    sealed interface Expect {}

    /** A bad point operation: one dead letter with {@code code}; {@code opId} is the op_id when the envelope is readable. */
    record DeadLetter(int code, String opId) implements Expect {}

    /** A valid point operation: acknowledged as completed; {@code op} is kept for the scratch collection's reference. */
    record Applied(String opId, String collection, JsonNode op) implements Expect {}

    /** A bad request: one error response with {@code code}, keyed by {@code requestId} or, when null, the generated id. */
    record ErrorResponse(String requestId, int code) implements Expect {}

    /** A valid request: one 200 response equal to the reference answer. */
    record Answer(String requestId, String op, String collection, JsonNode body) implements Expect {}

    /** One message: where it goes, its key and bytes ({@code null} value = a Kafka tombstone), and the expectation. */
    record Message(Topic topic, String key, byte[] value, Expect expect, String category) {}

    private final Random random;
    private final float[][] fz = new float[FZ_POINTS + 1][];
    private final float[][] namedA = new float[NAMED_POINTS + 1][];
    private final float[][] namedB = new float[NAMED_POINTS + 1][];
    private int badOps;
    private int badRequests;
    private int validOps;
    private int validRequests;
    private int scratchIds = 1;

    HostileInputGenerator(long seed) {
        random = new Random(seed);
        for (int i = 1; i <= FZ_POINTS; i++) {
            fz[i] = vector(FZ_DIM);
        }
        for (int i = 1; i <= NAMED_POINTS; i++) {
            namedA[i] = vector(4);
            namedB[i] = i % 3 == 0 ? null : vector(3);
        }
    }

    // ------------------------------------------------------------------ catalogue

    /** The {@code vectors} of each collection's create body. */
    static JsonNode vectorsOf(String collection) {
        return Json.readTrusted(switch (collection) {
            case FZ -> "{\"size\":" + FZ_DIM + ",\"distance\":\"Dot\"}";
            case NAMED -> "{\"a\":{\"size\":4,\"distance\":\"Cosine\"},\"b\":{\"size\":3,\"distance\":\"Euclid\"}}";
            default -> "{\"size\":4,\"distance\":\"Dot\"}";
        });
    }

    /** Creates and fills the collections, each operation with an op_id {@code setup-N}; in order. */
    List<String> setupOperations() {
        List<String> ops = new ArrayList<>();
        for (String c : List.of(FZ, NAMED, SCRATCH)) {
            ops.add("{\"op\":\"create_collection\",\"collection\":\"" + c + "\",\"op_id\":\"setup-" + ops.size()
                    + "\",\"body\":{\"vectors\":" + vectorsOf(c) + "}}");
        }
        for (int from = 1; from <= FZ_POINTS; from += 60) {
            List<String> points = new ArrayList<>();
            for (int i = from; i < from + 60; i++) {
                points.add(fzPoint(i));
            }
            ops.add(upsert(FZ, "setup-" + ops.size(), points));
        }
        List<String> named = new ArrayList<>();
        for (int i = 1; i <= NAMED_POINTS; i++) {
            named.add(namedPoint(i));
        }
        ops.add(upsert(NAMED, "setup-" + ops.size(), named));
        return ops;
    }

    private String fzPoint(int i) {
        return "{\"id\":" + i + ",\"vector\":" + json(fz[i]) + ",\"payload\":{\"g\":" + (i % 5) + ",\"n\":" + i + "}}";
    }

    private String namedPoint(int i) {
        return "{\"id\":" + i + ",\"vector\":{\"a\":" + json(namedA[i])
                + (namedB[i] == null ? "" : ",\"b\":" + json(namedB[i])) + "},\"payload\":{\"g\":" + (i % 4) + "}}";
    }

    private static String upsert(String collection, String opId, List<String> points) {
        return "{\"op\":\"upsert\",\"collection\":\"" + collection + "\",\"op_id\":\"" + opId + "\",\"body\":{\"points\":["
                + String.join(",", points) + "]}}";
    }

    // ------------------------------------------------------------------ traffic

    /**
     * {@code bad} bad messages (half on each topic) and {@code validOperations} + {@code validRequests} valid ones,
     * shuffled together; plus one message of {@link #HUGE_MESSAGE_BYTES} on each topic, among the bad ones.
     */
    List<Message> traffic(int bad, int validOperations, int validRequests) {
        List<Message> out = new ArrayList<>();
        out.add(hugePointOperation());
        out.add(hugeRequest());
        for (int i = 2; i < bad; i++) {
            out.add(i % 2 == 0 ? badPointOperation() : badRequest());
        }
        for (int i = 0; i < validOperations; i++) {
            out.add(validPointOperation());
        }
        for (int i = 0; i < validRequests; i++) {
            out.add(validRequest());
        }
        Collections.shuffle(out, random);
        return out;
    }

    // ------------------------------------------------------------------ bad point operations

    private Message hugePointOperation() {
        String opId = "bp-" + badOps++;
        String head = "{\"op\":\"upsert\",\"collection\":\"" + FZ + "\",\"op_id\":\"" + opId
                + "\",\"body\":{\"points\":[{\"id\":1,\"vector\":" + json(fz[1]) + ",\"payload\":{\"blob\":\"";
        String tail = "\"}}]}}";
        String value = head + "x".repeat(HUGE_MESSAGE_BYTES - head.length() - tail.length()) + tail;
        return new Message(Topic.POINTS, FZ, bytes(value), new DeadLetter(400, opId), "10 MB message");
    }

    private Message badPointOperation() {
        String opId = "bp-" + badOps++;
        String v8 = json(vector(FZ_DIM));
        String fzUpsertOf = "{\"op\":\"upsert\",\"collection\":\"fz\",\"op_id\":\"" + opId + "\",\"body\":{\"points\":[";
        List<Supplier<Message>> kinds = List.of(
                // not JSON, or not one JSON object
                () -> raw(opId, truncated("{\"op\":\"upsert\",\"collection\":\"fz\",\"op_id\":\"" + opId
                        + "\",\"body\":{\"points\":[" + fzPoint(3) + "]}}"), "truncated JSON"),
                () -> raw(opId, garbage(), "garbage bytes"),
                () -> raw(opId, bytes(pick("[]", "17", "\"upsert\"", "null", "true", "[{\"op\":\"upsert\"}]")), "not an object"),
                () -> raw(opId, null, "tombstone (null value)"),
                () -> raw(opId, new byte[0], "empty value"),
                () -> raw(opId, withControlCharacter("{\"op\":\"upsert\",\"collection\":\"fz\",\"op_id\":\"" + opId
                        + "\",\"body\":{\"points\":[" + fzPoint(4) + "]}}"), "control character"),
                () -> raw(opId, invalidUtf8(fzUpsertOf + "{\"id\":5,\"vector\":" + v8 + ",\"payload\":{\"name\":\"", "\"}}]}}"),
                        "invalid UTF-8"),
                () -> raw(opId, bytes(fzUpsertOf + "{\"id\":5,\"vector\":" + v8.replaceFirst("-?[0-9.]+", pick("NaN", "Infinity", "-Infinity"))
                        + "}]}}"), "NaN/Infinity token"),
                () -> raw(opId, bytes("{\"op\":\"upsert\",\"collection\":\"fz\",\"body\":" + "[".repeat(200) + "]".repeat(200) + "}"),
                        "200-level nesting"),
                () -> raw(opId, bytes("{\"op\":\"upsert\",\"collection\":\"fz\"} trailing"), "trailing data"),
                // the envelope
                () -> dead(400, opId, "{\"collection\":\"fz\",\"op_id\":\"" + opId + "\",\"body\":{}}", "missing op"),
                () -> dead(400, opId, "{\"op\":\"" + pick("merge", "UPSERT", "query", "drop", "") + "\",\"collection\":\"fz\",\"op_id\":\""
                        + opId + "\",\"body\":{}}", "unknown op"),
                () -> dead(400, opId, "{\"op\":" + pick("1", "[\"upsert\"]", "{\"name\":\"upsert\"}", "true") + ",\"collection\":\"fz\",\"op_id\":\""
                        + opId + "\"}", "op of a wrong type"),
                () -> dead(400, opId, "{\"op\":\"upsert\",\"op_id\":\"" + opId + "\",\"body\":{\"points\":[]}}", "missing collection"),
                () -> dead(400, opId, "{\"op\":\"upsert\",\"collection\":" + pick("7", "[\"fz\"]", "{}", "false") + ",\"op_id\":\"" + opId
                        + "\",\"body\":{\"points\":[]}}", "collection of a wrong type"),
                () -> dead(422, opId, "{\"op\":\"create_collection\",\"collection\":\"" + pick("a/b", "", "x".repeat(256), "q?", "tab\\u0009")
                        + "\",\"op_id\":\"" + opId + "\",\"body\":{\"vectors\":{\"size\":2,\"distance\":\"Dot\"}}}", "invalid collection name"),
                () -> dead(400, null, "{\"op\":\"upsert\",\"collection\":\"fz\",\"op_id\":" + pick("{}", "[1]", "1.5", "true")
                        + ",\"body\":{\"points\":[]}}", "op_id of a wrong type"),
                // collections
                () -> dead(400, opId, "{\"op\":\"create_collection\",\"collection\":\"new-" + opId + "\",\"op_id\":\"" + opId + "\""
                        + pick("", ",\"body\":[]", ",\"body\":\"x\"", ",\"body\":{}", ",\"body\":{\"vectors\":[]}",
                                ",\"body\":{\"vectors\":{\"size\":\"8\",\"distance\":\"Dot\"}}",
                                ",\"body\":{\"vectors\":{\"size\":1.5,\"distance\":\"Dot\"}}",
                                ",\"body\":{\"vectors\":{\"size\":8,\"distance\":\"Hamming\"}}",
                                ",\"body\":{\"vectors\":{\"size\":8}}") + "}", "bad collection config"),
                () -> dead(422, opId, "{\"op\":\"create_collection\",\"collection\":\"new-" + opId + "\",\"op_id\":\"" + opId
                        + "\",\"body\":{\"vectors\":{\"size\":" + pick("0", "-4", "65537", "1000000", "1099511627776")
                        + ",\"distance\":\"Cosine\"}}}", "bad or huge dimension"),
                () -> dead(409, opId, "{\"op\":\"create_collection\",\"collection\":\"" + pick(FZ, NAMED, SCRATCH) + "\",\"op_id\":\""
                        + opId + "\",\"body\":{\"vectors\":{\"size\":2,\"distance\":\"Dot\"}}}", "collection exists"),
                () -> dead(404, opId, "{\"op\":\"delete_collection\",\"collection\":\"ghost-" + opId + "\",\"op_id\":\"" + opId + "\"}",
                        "unknown collection deleted"),
                // upserts
                () -> dead(404, opId, "{\"op\":\"upsert\",\"collection\":\"nope\",\"op_id\":\"" + opId + "\",\"body\":{\"points\":["
                        + fzPoint(1) + "]}}", "upsert to an unknown collection"),
                () -> dead(400, opId, "{\"op\":\"upsert\",\"collection\":\"fz\",\"op_id\":\"" + opId + "\""
                        + pick("", ",\"body\":[]", ",\"body\":{}", ",\"body\":{\"points\":{}}", ",\"body\":{\"points\":\"all\"}",
                                ",\"body\":{\"batch\":{\"ids\":[1],\"vectors\":[" + v8 + "]}}") + "}", "bad upsert body"),
                () -> dead(400, opId, fzUpsertOf + pick("1", "\"p\"", "null", "[]", "[" + v8 + "]") + "]}}", "point of a wrong type"),
                () -> dead(400, opId, fzUpsertOf + fzPoint(2) + ",{\"id\":" + pick("-1", "1.5", "\"12\"", "\"not-a-uuid\"", "true",
                        "null", "18446744073709551616", "\"5c56c793-69f3-4fbf-87e6-c4bf54c28c2\"", "{}", "[3]") + ",\"vector\":" + v8
                        + "}]}}", "bad id"),
                () -> dead(400, opId, fzUpsertOf + "{\"vector\":" + v8 + "}]}}", "missing id"),
                () -> dead(400, opId, fzUpsertOf + "{\"id\":6,\"vector\":" + pick(json(vector(FZ_DIM - 1)), json(vector(FZ_DIM + 1)),
                        json(vector(1)), json(vector(4096)), "[]") + "}]}}", "dimension mismatch"),
                () -> dead(400, opId, fzUpsertOf + "{\"id\":6,\"vector\":" + v8.replaceFirst("-?[0-9.]+",
                        pick("\"1\"", "null", "true", "[1]", "{}", "1e309", "-1e309", "1e39")) + "}]}}", "bad vector component"),
                () -> dead(400, opId, fzUpsertOf + "{\"id\":6,\"vector\":" + "[".repeat(100) + "1" + "]".repeat(100) + "}]}}",
                        "100-level nested vector"),
                () -> dead(400, opId, fzUpsertOf + "{\"id\":6,\"vector\":" + pick("{\"x\":" + v8 + "}", "\"v\"", "7",
                        "{\"indices\":[1],\"values\":[0.5]}") + "}]}}", "bad vector shape or name"),
                () -> dead(400, opId, "{\"op\":\"upsert\",\"collection\":\"fzn\",\"op_id\":\"" + opId + "\",\"body\":{\"points\":[{\"id\":1,"
                        + "\"vector\":" + pick("{\"a\":[1,0,0]}", "{\"b\":[1,0]}", "{\"c\":[1,0,0]}", "[1,0,0,0]", "{\"a\":[1,0,0,0],\"b\":[1]}")
                        + "}]}}", "named vector mismatch"),
                () -> dead(400, opId, fzUpsertOf + "{\"id\":6,\"vector\":" + v8 + ",\"payload\":" + pick("[]", "\"p\"", "3", "true")
                        + "}]}}", "payload of a wrong type"),
                () -> dead(400, opId, hugeUpsertWithOneBadPoint(opId), "huge array, last point bad"),
                // deletes and payload operations
                () -> dead(404, opId, "{\"op\":\"" + pick("delete", "set_payload", "clear_payload") + "\",\"collection\":\"nope\",\"op_id\":\""
                        + opId + "\",\"body\":{\"points\":[1],\"payload\":{}}}", "operation on an unknown collection"),
                () -> dead(400, opId, "{\"op\":\"delete\",\"collection\":\"fz\",\"op_id\":\"" + opId + "\",\"body\":"
                        + pick("{}", "[]", "{\"points\":\"x\"}", "{\"points\":[-1]}", "{\"points\":[\"nope\"]}", "{\"filter\":{\"must\":\"x\"}}",
                                "{\"filter\":{\"bogus\":[]}}", "{\"filter\":{\"must\":[{\"key\":\"g\",\"match\":{\"value\":1},\"extra\":1}]}}")
                        + "}", "bad delete"),
                () -> dead(400, opId, "{\"op\":\"" + pick("set_payload", "overwrite_payload") + "\",\"collection\":\"fz\",\"op_id\":\""
                        + opId + "\",\"body\":" + pick("{\"payload\":[],\"points\":[1]}", "{\"payload\":{\"g\":1}}",
                                "{\"payload\":{\"g\":1},\"points\":[-3]}", "{\"payload\":\"g\",\"points\":[1]}", "{\"points\":[1]}",
                                "{\"payload\":{\"g\":1},\"filter\":{\"must\":[{\"key\":5}]}}")
                        + "}", "bad payload operation"),
                () -> dead(400, opId, "{\"op\":\"delete_payload\",\"collection\":\"fz\",\"op_id\":\"" + opId + "\",\"body\":"
                        + pick("{\"keys\":\"g\",\"points\":[1]}", "{\"keys\":[1],\"points\":[1]}", "{\"points\":[1]}") + "}",
                        "bad delete_payload"));
        return kinds.get(random.nextInt(kinds.size())).get();
    }

    /** 3,000 points that would dominate every Dot query (if any were applied), the last one malformed. */
    private String hugeUpsertWithOneBadPoint(String opId) {
        List<String> points = new ArrayList<>();
        float[] big = new float[FZ_DIM];
        java.util.Arrays.fill(big, 100f);
        for (int i = 0; i < 3000; i++) {
            points.add("{\"id\":" + (100_000 + i) + ",\"vector\":" + json(big) + "}");
        }
        points.add("{\"id\":" + (200_000) + ",\"vector\":" + json(vector(FZ_DIM - 2)) + "}");
        return upsert(FZ, opId, points);
    }

    private Message raw(String opId, byte[] value, String category) {
        // The op_id may or may not be readable before the defect: the dead letter says which (checked by the test).
        return new Message(Topic.POINTS, pick(FZ, null, "k-" + opId), value, new DeadLetter(400, null), category);
    }

    private Message dead(int code, String opId, String json, String category) {
        return new Message(Topic.POINTS, pick(FZ, null), bytes(json), new DeadLetter(code, opId), category);
    }

    // ------------------------------------------------------------------ valid point operations

    private Message validPointOperation() {
        String opId = "vp-" + validOps++;
        int kind = random.nextInt(6);
        String json;
        String collection;
        if (kind == 0) {
            // re-upsert of points as they are (an unknown envelope field is ignored)
            collection = FZ;
            List<String> points = new ArrayList<>();
            for (int i = random.nextInt(8); i >= 0; i--) {
                points.add(fzPoint(1 + random.nextInt(FZ_POINTS)));
            }
            json = upsert(FZ, opId, points).replaceFirst("\\{", "{\"client\":\"fuzz\",");
        } else if (kind == 1) {
            collection = NAMED;
            json = upsert(NAMED, opId, List.of(namedPoint(1 + random.nextInt(NAMED_POINTS))));
        } else if (kind == 2) {
            // the value the point already has
            int id = 1 + random.nextInt(FZ_POINTS);
            collection = FZ;
            json = "{\"op\":\"set_payload\",\"collection\":\"fz\",\"op_id\":\"" + opId + "\",\"body\":{\"payload\":{\"g\":" + (id % 5)
                    + "},\"points\":[" + id + "]}}";
        } else if (kind == 3) {
            collection = FZ;
            json = "{\"op\":\"delete\",\"collection\":\"fz\",\"op_id\":\"" + opId + "\",\"body\":{\"points\":[" + (900_000 + random.nextInt(1000))
                    + ",\"" + uuid() + "\"]}}";
        } else if (kind == 4) {
            // the scratch collection changes: new points, one with a payload nested 100 levels deep in the message
            collection = SCRATCH;
            List<String> points = new ArrayList<>();
            for (int i = random.nextInt(4); i >= 0; i--) {
                int id = random.nextInt(3) == 0 && scratchIds > 1 ? 1 + random.nextInt(scratchIds - 1) : scratchIds++;
                String payload = random.nextInt(20) == 0
                        ? "{\"deep\":" + "{\"d\":".repeat(95) + "1" + "}".repeat(95) + "}"
                        : "{\"n\":" + id + "}";
                points.add("{\"id\":" + id + ",\"vector\":" + json(vector(4)) + ",\"payload\":" + payload + "}");
            }
            json = upsert(SCRATCH, opId, points);
        } else {
            collection = SCRATCH;
            json = "{\"op\":\"delete\",\"collection\":\"scratch\",\"op_id\":\"" + opId + "\",\"body\":{\"points\":["
                    + (1 + random.nextInt(Math.max(1, scratchIds))) + "]}}";
        }
        return new Message(Topic.POINTS, collection, bytes(json), new Applied(opId, collection, Json.readTrusted(json)),
                "valid operation");
    }

    // ------------------------------------------------------------------ bad requests

    private Message hugeRequest() {
        String id = "bq-" + badRequests++;
        String head = "{\"request_id\":\"" + id + "\",\"op\":\"query\",\"collection\":\"fz\",\"body\":{\"query\":[0.5";
        StringBuilder b = new StringBuilder(HUGE_MESSAGE_BYTES).append(head);
        while (b.length() < HUGE_MESSAGE_BYTES - 10) {
            b.append(",0.25");
        }
        b.append("]}}");
        // Above the job's limit: answered before it is read, so under the generated id.
        return new Message(Topic.REQUESTS, null, bytes(b.toString()), new ErrorResponse(null, 400), "10 MB message");
    }

    private Message badRequest() {
        String id = "bq-" + badRequests++;
        String q8 = json(vector(FZ_DIM));
        List<Supplier<Message>> kinds = List.of(
                // unreadable: answered under the generated id
                () -> generated(truncated(request(id, "query", FZ, "{\"query\":" + q8 + "}")), "truncated JSON"),
                () -> generated(garbage(), "garbage bytes"),
                () -> generated(bytes(pick("[]", "42", "\"query\"", "null", "false", "[{\"request_id\":\"" + id + "\"}]")), "not an object"),
                () -> generated(null, "tombstone (null value)"),
                () -> generated(withControlCharacter(request(id, "query", FZ, "{\"query\":" + q8 + "}")), "control character"),
                () -> generated(invalidUtf8("{\"request_id\":\"" + id + "\",\"op\":\"query\",\"collection\":\"fz\",\"body\":{\"query\":"
                        + q8 + ",\"filter\":{\"must\":[{\"key\":\"", "\",\"match\":{\"value\":1}}]}}}"), "invalid UTF-8"),
                () -> generated(bytes(request(id, "query", FZ, "{\"query\":" + q8.replaceFirst("-?[0-9.]+",
                        pick("NaN", "Infinity", "-Infinity")) + "}")), "NaN/Infinity token"),
                () -> generated(bytes(request(id, "query", FZ, "{\"query\":" + q8 + ",\"filter\":" + "{\"must\":[".repeat(70) + "]}".repeat(70)
                        + "}")), "140-level nesting"),
                () -> generated(bytes("{\"request_id\":" + pick("{}", "[1]", "\"\"", "1.5", "\"" + "r".repeat(1025) + "\"")
                        + ",\"op\":\"search\",\"collection\":\"fz\",\"body\":{}}"), "unusable request_id"),
                // the envelope
                () -> error(id, 400, "{\"request_id\":\"" + id + "\",\"collection\":\"fz\",\"body\":{}}", "missing op"),
                () -> error(id, 400, "{\"request_id\":\"" + id + "\",\"op\":" + pick("\"search\"", "\"QUERY\"", "\"upsert\"", "7", "[]", "null")
                        + ",\"collection\":\"fz\",\"body\":{\"query\":" + q8 + "}}", "unknown op"),
                () -> error(id, 400, "{\"request_id\":\"" + id + "\",\"op\":\"query\"" + pick("", ",\"collection\":7", ",\"collection\":[\"fz\"]")
                        + ",\"body\":{\"query\":" + q8 + "}}", "missing or wrong collection"),
                () -> error(id, 422, request(id, "query", pick("a/b", "", "x".repeat(256), "what?"), "{\"query\":" + q8 + "}"),
                        "invalid collection name"),
                () -> error(id, 400, "{\"request_id\":\"" + id + "\",\"op\":\"query\",\"collection\":\"fz\"" + pick("", ",\"body\":[]",
                        ",\"body\":\"q\"", ",\"body\":1") + "}", "missing or wrong body"),
                () -> error(id, 400, "{\"request_id\":\"" + id + "\",\"op\":\"query\",\"collection\":\"fz\",\"reply_to\":"
                        + pick("\"bad topic!\"", "7", "\"..\"", "\"fz-nowhere-" + id + "\"") + ",\"body\":{\"query\":" + q8 + "}}",
                        "bad reply_to"),
                () -> error(id, 404, request(id, "query", "nope", "{\"query\":" + q8 + "}"), "unknown collection"),
                // the query
                () -> error(id, 400, request(id, "query", FZ, "{\"query\":" + pick("true", "{}", "{\"foo\":1}", "1.5", "-1", "\"not-a-uuid\"",
                        "\"12\"", "{\"nearest\":" + q8 + ",\"context\":[]}", "{\"nearest\":null}", "{\"fusion\":\"rrf\"}",
                        "{\"order_by\":\"n\"}", "{\"indices\":[1],\"values\":[1]}") + "}"), "bad query"),
                () -> error(id, 400, request(id, "query", FZ, "{\"query\":" + pick(json(vector(FZ_DIM - 1)), json(vector(FZ_DIM + 3)),
                        json(vector(1)), json(vector(100_000))) + "}"), "dimension mismatch"),
                () -> error(id, 400, request(id, "query", FZ, "{\"query\":" + pick("[]", q8.replaceFirst("-?[0-9.]+", "\"x\""),
                        q8.replaceFirst("-?[0-9.]+", "null"), q8.replaceFirst("-?[0-9.]+", "1e309"), q8.replaceFirst("-?[0-9.]+", "1e39"),
                        "[".repeat(100) + "1" + "]".repeat(100)) + "}"), "bad vector"),
                () -> error(id, 400, request(id, "query", FZ, "{\"query\":" + q8 + ",\"limit\":" + pick("-1", "\"10\"", "1.5", "1e30",
                        "99999999999999999999", "true") + "}"), "limit of a wrong type"),
                () -> error(id, 422, request(id, "query", FZ, "{\"query\":" + q8 + ",\"limit\":0}"), "limit 0"),
                () -> error(id, 400, request(id, "query", FZ, "{\"query\":" + q8 + pick(",\"limit\":10001", ",\"limit\":2147483647",
                        ",\"limit\":9223372036854775807", ",\"offset\":9991", ",\"limit\":5000,\"offset\":5001",
                        ",\"offset\":9223372036854775807") + "}"), "huge limit/offset"),
                () -> error(id, 400, request(id, "query", FZ, "{\"query\":" + q8 + ",\"offset\":" + pick("-1", "\"1\"", "0.5") + "}"),
                        "offset of a wrong type"),
                () -> error(id, 400, request(id, "query", FZ, pick("{\"score_threshold\":0.5}", "{\"query\":" + q8 + ",\"score_threshold\":\"x\"}",
                        "{\"query\":" + q8 + ",\"score_threshold\":1e309}")), "bad score_threshold"),
                () -> error(id, 400, request(id, "query", FZ, "{\"query\":" + q8 + pick(",\"using\":\"nope\"", ",\"using\":5",
                        ",\"with_vector\":[\"nope\"]", ",\"with_payload\":5", ",\"with_payload\":{\"only\":[\"g\"]}",
                        ",\"prefetch\":[{\"query\":" + q8 + "}]", ",\"shard_key\":\"a\"", ",\"params\":{\"hnsw_ef\":-1}",
                        ",\"params\":{\"exact\":\"yes\"}", ",\"params\":[]", ",\"lookup_from\":5") + "}"), "bad option"),
                () -> error(id, 422, request(id, "query", FZ, "{\"query\":" + q8 + ",\"params\":{\"hnsw_ef\":0}}"), "hnsw_ef 0"),
                () -> error(id, 400, request(id, "query", FZ, "{\"query\":" + q8 + ",\"filter\":" + pick("{\"must\":\"x\"}",
                        "{\"bogus\":[]}", "{\"must\":[{\"key\":\"g\",\"match\":{\"value\":1},\"extra\":true}]}", "{\"should\":[{\"key\":5}]}",
                        "{\"must\":[{\"key\":\"n\",\"range\":{\"gt\":\"soon\"}}]}", "{\"must\":[{\"key\":\"g\",\"match\":{\"value\":[1,2]}}]}",
                        "{\"must\":[{\"key\":\"g\",\"geo_radius\":{\"center\":{\"lat\":1,\"lon\":2},\"radius\":3}}]}", "[]") + "}"),
                        "bad filter (unknown fields, wrong types)"),
                () -> error(id, 404, request(id, "query", FZ, "{\"query\":" + q8 + ",\"lookup_from\":{\"collection\":\"nope\"}}"),
                        "lookup_from an unknown collection"),
                () -> error(id, 422, request(id, "query", FZ, "{\"query\":{\"recommend\":" + pick("{}", "{\"positive\":[],\"negative\":[]}") + "}}"),
                        "recommend without examples"),
                () -> error(id, 400, request(id, "query", FZ, "{\"query\":{\"recommend\":" + pick("{\"negative\":[1]}",
                        "{\"positive\":[1],\"strategy\":\"worst\"}", "{\"positive\":\"1\"}", "{\"positive\":[-1]}", "{\"positive\":[1.5]}",
                        "{\"positive\":[" + json(vector(3)) + "]}", "[1]") + "}}"), "bad recommend"),
                () -> error(id, 400, request(id, "query", FZ, "{\"query\":{\"recommend\":{\"positive\":[" + ids(1001 + random.nextInt(4000))
                        + "],\"strategy\":\"best_score\"}}}"), "too many examples (huge array)"),
                () -> error(id, 404, request(id, "query", FZ, "{\"query\":" + pick("{\"recommend\":{\"positive\":[1,99999]}}",
                        "{\"nearest\":\"" + uuid() + "\"}", "5000", "{\"discover\":{\"target\":1,\"context\":[{\"positive\":2,\"negative\":77777}]}}")
                        + "}"), "unknown example id"),
                () -> error(id, 400, request(id, "query", FZ, "{\"query\":" + pick("{\"discover\":{\"context\":[]}}",
                        "{\"discover\":{\"target\":1,\"context\":[{\"positive\":2}]}}", "{\"context\":[{\"negative\":2}]}", "{\"context\":5}",
                        "{\"discover\":[1]}") + "}"), "bad discover/context"),
                () -> error(id, 400, request(id, "query", NAMED, "{\"query\":" + pick("[1,0,0,0]", "[1,0,0]") + pick("", ",\"using\":\"c\"",
                        ",\"using\":\"b\"") + "}").replace(",\"using\":\"b\"}", ",\"using\":\"b\",\"limit\":1,\"with_vector\":[\"z\"]}"),
                        "named vector mismatch"),
                // batches
                () -> error(id, 400, request(id, "query_batch", FZ, pick("{}", "{\"searches\":{}}", "{\"searches\":[1]}",
                        "{\"searches\":[{\"query\":" + q8 + "},{\"query\":[1]}]}")), "bad batch"),
                () -> error(id, 422, request(id, "query_batch", FZ, "{\"searches\":[{\"query\":" + q8 + ",\"limit\":100000},{\"query\":"
                        + q8 + ",\"limit\":0}]}"), "422 in a batch wins over a limit"),
                () -> error(id, 400, request(id, "query_batch", FZ, "{\"searches\":[" + String.join(",",
                        Collections.nCopies(1001 + random.nextInt(500), "{\"query\":" + q8 + "}")) + "]}"), "too many searches"));
        return kinds.get(random.nextInt(kinds.size())).get();
    }

    private Message generated(byte[] value, String category) {
        return new Message(Topic.REQUESTS, null, value, new ErrorResponse(null, 400), category);
    }

    private Message error(String id, int code, String json, String category) {
        return new Message(Topic.REQUESTS, id, bytes(json), new ErrorResponse(id, code), category);
    }

    private static String request(String id, String op, String collection, String body) {
        return "{\"request_id\":\"" + id + "\",\"op\":\"" + op + "\",\"collection\":\"" + collection + "\",\"body\":" + body + "}";
    }

    // ------------------------------------------------------------------ valid requests

    private Message validRequest() {
        boolean numericId = random.nextInt(50) == 0;
        String id = numericId ? String.valueOf(7_000_000_000L + validRequests++) : "vq-" + validRequests++;
        String idJson = numericId ? id : "\"" + id + "\"";
        String collection = random.nextInt(5) == 0 ? NAMED : FZ;
        String op;
        String body;
        if (random.nextInt(6) == 0) {
            op = "query_batch";
            List<String> searches = new ArrayList<>();
            for (int i = 1 + random.nextInt(3); i >= 0; i--) {
                searches.add(search(collection));
            }
            body = "{\"searches\":[" + String.join(",", searches) + "]}";
        } else {
            op = "query";
            body = search(collection);
        }
        String replyTo = random.nextInt(20) == 0 ? ",\"reply_to\":\"" + HostileInputITCase.PREFIX + ".replies\"" : "";
        String json = "{\"request_id\":" + idJson + ",\"op\":\"" + op + "\",\"collection\":\"" + collection + "\"" + replyTo
                + ",\"body\":" + body + ",\"trace\":{\"client\":\"fuzz\"}}";
        return new Message(Topic.REQUESTS, id, bytes(json), new Answer(id, op, collection, Json.readTrusted(body)), "valid request");
    }

    /** One valid search body; hostile but legal options now and then (huge ef, the largest limit, deep filters). */
    private String search(String collection) {
        boolean named = collection.equals(NAMED);
        int maxId = named ? NAMED_POINTS : FZ_POINTS;
        String using = named ? (random.nextBoolean() ? "a" : "b") : null;
        int dim = named ? (using.equals("a") ? 4 : 3) : FZ_DIM;
        StringBuilder b = new StringBuilder("{");
        int kind = random.nextInt(7);
        // "b" is missing on every third named point: those ids are no examples there
        Supplier<String> example = () -> {
            int exampleId;
            do {
                exampleId = 1 + random.nextInt(maxId);
            } while (named && using.equals("b") && exampleId % 3 == 0);
            return random.nextInt(3) == 0 ? json(vector(dim)) : String.valueOf(exampleId);
        };
        switch (kind) {
            case 0 -> b.append("\"query\":").append(json(vector(dim)));
            case 1 -> b.append("\"query\":{\"nearest\":").append(example.get()).append('}');
            case 2 -> b.append("\"query\":{\"recommend\":{\"positive\":[").append(example.get()).append(',').append(example.get())
                    .append("],\"negative\":[").append(example.get()).append("]}}");
            case 3 -> b.append("\"query\":{\"recommend\":{\"positive\":[").append(example.get()).append("],\"negative\":[")
                    .append(example.get()).append("],\"strategy\":\"").append(pick("best_score", "sum_scores")).append("\"}}");
            case 4 -> b.append("\"query\":{\"discover\":{\"target\":").append(example.get()).append(",\"context\":[{\"positive\":")
                    .append(example.get()).append(",\"negative\":").append(example.get()).append("}]}}");
            case 5 -> b.append("\"query\":{\"context\":[{\"positive\":").append(example.get()).append(",\"negative\":")
                    .append(example.get()).append("}]}");
            default -> b.append("\"query\":").append(json(vector(dim)));
        }
        if (using != null) {
            b.append(",\"using\":\"").append(using).append('"');
        }
        int option = random.nextInt(12);
        if (option == 0) {
            b.append(",\"limit\":10000");
        } else if (option == 1) {
            b.append(",\"params\":{\"hnsw_ef\":2147483647}");
        } else if (option == 2) {
            // 100 levels deep in the message: envelope, body, filter and 48 nested must clauses
            b.append(",\"filter\":").append("{\"must\":[".repeat(47)).append("{\"key\":\"g\",\"match\":{\"value\":1}}")
                    .append("]}".repeat(47));
        } else if (option < 6) {
            b.append(",\"filter\":{\"must\":[{\"key\":\"g\",\"match\":{\"any\":[").append(random.nextInt(5)).append(',')
                    .append(random.nextInt(5)).append("]}}]}");
        }
        if (option != 0 && random.nextBoolean()) {
            b.append(",\"limit\":").append(1 + random.nextInt(20));
        }
        if (option != 0 && random.nextInt(3) == 0) {
            b.append(",\"offset\":").append(random.nextInt(6));
        }
        if (random.nextInt(3) == 0) {
            b.append(",\"with_payload\":").append(pick("true", "[\"g\"]", "{\"exclude\":[\"n\"]}"));
        }
        if (random.nextInt(8) == 0) {
            b.append(",\"unknown_field\":[1,2]");
        }
        return b.append('}').toString();
    }

    // ------------------------------------------------------------------ pieces

    private float[] vector(int dim) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = (random.nextInt(201) - 100) / 100f;
        }
        return v;
    }

    static String json(float[] v) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            b.append(i == 0 ? "" : ",").append(v[i]);
        }
        return b.append(']').toString();
    }

    private String ids(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append(1 + random.nextInt(FZ_POINTS));
        }
        return b.toString();
    }

    private String uuid() {
        return new java.util.UUID(random.nextLong(), random.nextLong()).toString().toLowerCase(Locale.ROOT);
    }

    @SafeVarargs
    private <T> T pick(T... options) {
        return options[random.nextInt(options.length)];
    }

    /** A proper prefix of a JSON object: never one JSON document (the closing brace is its last character). */
    private byte[] truncated(String json) {
        return bytes(json.substring(0, random.nextInt(json.length())));
    }

    /** Random bytes after a NUL, which no JSON document starts with. */
    private byte[] garbage() {
        byte[] b = new byte[1 + random.nextInt(200)];
        random.nextBytes(b);
        b[0] = 0;
        return b;
    }

    /** A raw control character (U+0001) somewhere in the text: JSON allows it neither inside nor outside strings. */
    private byte[] withControlCharacter(String json) {
        int at = random.nextInt(json.length() + 1);
        return bytes(json.substring(0, at) + '\u0001' + json.substring(at));
    }

    /** {@code before}, bytes that are not UTF-8 (a lone continuation byte, an overlong form), {@code after}. */
    private byte[] invalidUtf8(String before, String after) {
        byte[] bad = pick(new byte[] {(byte) 0x80}, new byte[] {(byte) 0xC0, (byte) 0xAF}, new byte[] {(byte) 0xFF, (byte) 0xFE});
        byte[] a = bytes(before);
        byte[] c = bytes(after);
        byte[] out = new byte[a.length + bad.length + c.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(bad, 0, out, a.length, bad.length);
        System.arraycopy(c, 0, out, a.length + bad.length, c.length);
        return out;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
