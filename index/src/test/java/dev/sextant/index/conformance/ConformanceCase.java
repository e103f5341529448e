package dev.sextant.index.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * One case of {@code conformance/cases.json} (README §1): the collections with their points, the request,
 * and the expected answer. A read-only view over the case's JSON; nothing here depends on the index
 * module's internals, so end-to-end tests can use it with any way of running the request.
 *
 * @param name unique case name
 * @param about one line saying what the case checks
 * @param collections the searched collection first, then any {@code lookup_from} collections
 * @param op {@code "query"} or {@code "query_batch"}
 * @param collection the searched collection
 * @param body the request body, exactly as sent
 * @param expect the expected answer
 * @param json the whole case
 */
public record ConformanceCase(
        String name,
        String about,
        List<CaseCollection> collections,
        String op,
        String collection,
        JsonNode body,
        Expect expect,
        JsonNode json) {

    /** True for {@code op: "query_batch"}. */
    public boolean batch() {
        return "query_batch".equals(op);
    }

    /**
     * One collection of a case.
     *
     * @param name the collection name (unique only within the case)
     * @param vectors Qdrant's create-collection {@code vectors} object
     * @param points the points, each {@code {"id", "vector", "payload"?}}
     */
    public record CaseCollection(String name, JsonNode vectors, List<JsonNode> points) {}

    /**
     * The expected answer (README §1.3).
     *
     * @param code 200 or the error's status code
     * @param errorContains for errors, a substring of the message; else {@code null}
     * @param result for successes, {@code {"points": [...]}} or (batches) a list of those; else {@code null}
     * @param scoreTolerance the score tolerance (§5)
     * @param withPayload {@code true}: payloads must equal; {@code false}: no payload; {@code null}: not checked
     * @param withVector the same for vectors
     */
    public record Expect(int code, String errorContains, JsonNode result, double scoreTolerance,
            Boolean withPayload, Boolean withVector) {}

    /** Reads one case from its JSON. */
    public static ConformanceCase of(JsonNode c) {
        List<CaseCollection> collections = new ArrayList<>();
        for (JsonNode col : c.get("collections")) {
            List<JsonNode> points = new ArrayList<>();
            col.path("points").forEach(points::add);
            collections.add(new CaseCollection(col.get("name").textValue(), col.get("vectors"), List.copyOf(points)));
        }
        JsonNode request = c.get("request");
        JsonNode e = c.get("expect");
        Expect expect = new Expect(
                e.get("code").intValue(),
                e.hasNonNull("error_contains") ? e.get("error_contains").textValue() : null,
                e.get("result"),
                e.path("score_tolerance").asDouble(1e-4),
                e.hasNonNull("with_payload") ? e.get("with_payload").booleanValue() : null,
                e.hasNonNull("with_vector") ? e.get("with_vector").booleanValue() : null);
        return new ConformanceCase(
                c.get("name").textValue(),
                c.path("about").asText(""),
                List.copyOf(collections),
                request.get("op").textValue(),
                request.get("collection").textValue(),
                request.get("body"),
                expect,
                c);
    }

    @Override
    public String toString() {
        return name;
    }
}
