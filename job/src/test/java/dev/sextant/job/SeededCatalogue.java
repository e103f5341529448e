package dev.sextant.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sextant.index.PointId;
import dev.sextant.job.protocol.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * A seeded, repeatable history of one collection for recovery and rescale tests, with the requests to ask it
 * afterwards. The collection has two named vectors, {@code image} (12-d Cosine) and {@code text} (8-d Dot; every
 * 11th point has none), integer and UUID ids, and a payload {@code {group, tag, price, stock}}. Its history:
 * upserts of {@code size} points in batches of 200, overwrites of existing points (new vectors and payload),
 * deletes by id (a few ids that name no point too), {@code set_payload}, {@code overwrite_payload},
 * {@code delete_payload} and {@code clear_payload} by ids, a delete and a {@code set_payload} by filter, and
 * upserts that bring deleted ids back. Every operation carries an {@code op_id} and succeeds, so each is
 * acknowledged {@code completed}.
 *
 * <p>{@link #reference()} is the collection after the whole history ({@link ReferenceCollection}); the requests
 * take their example ids from it, so they are valid against the final state.
 */
final class SeededCatalogue {
    static final int IMAGE_DIM = 12;
    static final int TEXT_DIM = 8;

    /** A point operation: its {@code op_id} and the message for the points topic. */
    record Operation(String opId, String json) {}

    /** A request body of {@code op} ({@code query} or {@code query_batch}), named for messages. */
    record Request(String name, String op, JsonNode body) {}

    private final String collection;
    private final Random random;
    private final List<Operation> operations = new ArrayList<>();
    private final ReferenceCollection reference;
    private final long requestSeed;

    /**
     * @param collection the collection's name (also the prefix of every op_id)
     * @param size how many integer ids are upserted first (0 to size − 1); 20 UUID points come with them
     */
    SeededCatalogue(String collection, long seed, int size) {
        this.collection = collection;
        this.random = new Random(seed);
        ObjectNode vectors = Json.MAPPER.createObjectNode();
        vectors.putObject("image").put("size", IMAGE_DIM).put("distance", "Cosine");
        vectors.putObject("text").put("size", TEXT_DIM).put("distance", "Dot");
        reference = new ReferenceCollection(collection, vectors);
        ObjectNode create = Json.MAPPER.createObjectNode();
        create.putObject("vectors").setAll(vectors);
        add("create", "create_collection", create, false);

        List<JsonNode> ids = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            ids.add(Json.MAPPER.getNodeFactory().numberNode(i));
        }
        for (int i = 0; i < 20; i++) {
            ids.add(Json.MAPPER.getNodeFactory().textNode(new UUID(random.nextLong(), random.nextLong()).toString()));
        }
        for (int from = 0; from < ids.size(); from += 200) {
            upsert("upsert-" + from, ids.subList(from, Math.min(ids.size(), from + 200)));
        }
        for (int k = 0; k < 3; k++) {
            upsert("overwrite-" + k, pick(100));
        }
        List<JsonNode> deleted = new ArrayList<>();
        for (int k = 0; k < 2; k++) {
            List<JsonNode> gone = pick(80);
            deleted.addAll(gone);
            ArrayNode listed = Json.MAPPER.createArrayNode().addAll(gone).add(size + 1000 + k);
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.set("points", listed);
            add("delete-" + k, "delete", body, true);
        }
        ObjectNode flag = Json.MAPPER.createObjectNode().put("flag", true).put("group", 9);
        add("set-payload", "set_payload", byIds(pick(40)).set("payload", flag), true);
        ObjectNode rewritten = Json.MAPPER.createObjectNode().put("group", 8).put("rewritten", true);
        add("overwrite-payload", "overwrite_payload", byIds(pick(30)).set("payload", rewritten), true);
        ObjectNode deleteKeys = byIds(pick(30));
        deleteKeys.putArray("keys").add("price");
        add("delete-payload", "delete_payload", deleteKeys, true);
        add("clear-payload", "clear_payload", byIds(pick(10)), true);
        add("delete-by-filter", "delete", (ObjectNode) json("""
                {"filter":{"must":[{"key":"group","match":{"value":2}},{"key":"price","range":{"lt":30}}]}}"""), true);
        add("set-payload-by-filter", "set_payload", (ObjectNode) json("""
                {"payload":{"premium":true},"filter":{"must":{"key":"price","range":{"gte":90}}}}"""), true);
        upsert("back", deleted.subList(0, 50));
        requestSeed = random.nextLong();
    }

    /** The operations in the order they must be sent (all keyed by the collection), creation first. */
    List<Operation> operations() {
        return operations;
    }

    String collection() {
        return collection;
    }

    /** The collection after every operation. */
    ReferenceCollection reference() {
        return reference;
    }

    /**
     * Requests of every query kind over the final state, each with {@code "params":{"exact":true}}: nearest on
     * either vector (with a filter, an offset and a score threshold), recommend with each strategy, discover,
     * context, and a batch. The same list on every call.
     */
    List<Request> exactRequests() {
        List<PointId> live = reference.ids();
        Random r = new Random(requestSeed);
        String a = idJson(live, r), b = idJson(live, r), c = idJson(live, r), d = idJson(live, r), e = idJson(live, r);
        String exact = "\"params\":{\"exact\":true}";
        return List.of(
                request("nearest-image", "query", "{\"query\":" + vector(IMAGE_DIM, r)
                        + ",\"using\":\"image\",\"limit\":10,\"with_payload\":true," + exact + "}"),
                request("nearest-text-filter", "query", "{\"query\":{\"nearest\":" + vector(TEXT_DIM, r)
                        + "},\"using\":\"text\",\"limit\":15,\"with_vector\":[\"text\"],"
                        + "\"filter\":{\"must\":[{\"key\":\"group\",\"match\":{\"any\":[1,3,9]}}]}," + exact + "}"),
                request("nearest-page", "query", "{\"query\":" + vector(IMAGE_DIM, r)
                        + ",\"using\":\"image\",\"limit\":10,\"offset\":20,\"score_threshold\":-0.5," + exact + "}"),
                request("recommend-average", "query", "{\"query\":{\"recommend\":{\"positive\":[" + a + "," + b
                        + "],\"negative\":[" + c + "]}},\"using\":\"image\",\"limit\":10,\"with_payload\":true,"
                        + exact + "}"),
                request("recommend-best-score", "query", "{\"query\":{\"recommend\":{\"positive\":[" + a
                        + "],\"negative\":[" + b + "," + c + "],\"strategy\":\"best_score\"}},\"using\":\"image\","
                        + "\"limit\":10," + exact + "}"),
                request("recommend-sum-scores", "query", "{\"query\":{\"recommend\":{\"positive\":[" + d + "," + e
                        + "],\"negative\":[" + a + "],\"strategy\":\"sum_scores\"}},\"using\":\"image\",\"limit\":10,"
                        + exact + "}"),
                request("discover", "query", "{\"query\":{\"discover\":{\"target\":" + a + ",\"context\":[{\"positive\":"
                        + b + ",\"negative\":" + c + "},{\"positive\":" + d + ",\"negative\":" + e + "}]}},"
                        + "\"using\":\"image\",\"limit\":10," + exact + "}"),
                request("context", "query", "{\"query\":{\"context\":[{\"positive\":" + b + ",\"negative\":" + c
                        + "}]},\"using\":\"image\",\"limit\":10," + exact + "}"),
                request("batch", "query_batch", "{\"searches\":[{\"query\":" + vector(IMAGE_DIM, r)
                        + ",\"using\":\"image\",\"limit\":5," + exact + "},{\"query\":" + a
                        + ",\"using\":\"image\",\"limit\":5,\"with_payload\":[\"group\",\"tag\"]," + exact + "}]}"));
    }

    /**
     * The page of the full listing at {@code offset}: a query without {@code query} (points in id order), with
     * payloads and both vectors.
     */
    static Request listing(int offset, int limit) {
        return request("listing-" + offset, "query", "{\"limit\":" + limit + ",\"offset\":" + offset
                + ",\"with_payload\":true,\"with_vector\":true}");
    }

    private static Request request(String name, String op, String body) {
        return new Request(name, op, json(body));
    }

    private void upsert(String name, List<JsonNode> ids) {
        ArrayNode points = Json.MAPPER.createArrayNode();
        for (JsonNode id : ids) {
            ObjectNode p = points.addObject();
            p.set("id", id);
            ObjectNode v = p.putObject("vector");
            v.set("image", json(vector(IMAGE_DIM, random)));
            if (id.isTextual() || id.asLong() % 11 != 0) {
                v.set("text", json(vector(TEXT_DIM, random)));
            }
            p.putObject("payload")
                    .put("group", random.nextInt(7))
                    .put("tag", "t" + random.nextInt(5))
                    .put("price", random.nextInt(10_000) / 100.0)
                    .put("stock", random.nextInt(50));
        }
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.set("points", points);
        add(name, "upsert", body, true);
    }

    private void add(String name, String op, ObjectNode body, boolean modelled) {
        ObjectNode message = Json.MAPPER.createObjectNode().put("op", op).put("collection", collection)
                .put("op_id", collection + "-" + name);
        message.set("body", body);
        if (modelled) {
            reference.apply(message);
        }
        operations.add(new Operation(collection + "-" + name, message.toString()));
    }

    /** {@code n} distinct ids of live points, drawn with the seeded generator. */
    private List<JsonNode> pick(int n) {
        List<PointId> live = new ArrayList<>(reference.ids());
        java.util.Collections.shuffle(live, random);
        List<JsonNode> ids = new ArrayList<>();
        for (PointId id : live.subList(0, n)) {
            ids.add(id.toJson());
        }
        return ids;
    }

    private static ObjectNode byIds(List<JsonNode> ids) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.putArray("points").addAll(ids);
        return body;
    }

    private static String idJson(List<PointId> live, Random r) {
        return live.get(r.nextInt(live.size())).toJson().toString();
    }

    private static String vector(int dim, Random r) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < dim; i++) {
            s.append(i == 0 ? "" : ",").append((float) r.nextGaussian());
        }
        return s.append(']').toString();
    }

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
