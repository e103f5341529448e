package dev.sextant.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.sextant.index.CollectionConfig;
import dev.sextant.index.IndexOptions;
import dev.sextant.index.Point;
import dev.sextant.index.PointId;
import dev.sextant.index.Points;
import dev.sextant.index.payload.PayloadOperation;
import dev.sextant.index.payload.PayloadOperations;
import dev.sextant.index.payload.PointSelector;
import dev.sextant.index.query.ExampleRef;
import dev.sextant.index.query.QueryParser;
import dev.sextant.index.query.QueryRequest;
import dev.sextant.index.query.ResolvedQuery;
import dev.sextant.index.search.CollectionIndex;
import dev.sextant.index.search.ResultMerge;
import dev.sextant.index.search.ScoredPoint;
import dev.sextant.job.protocol.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one collection should hold after a sequence of point operations, and what a query over it should answer,
 * computed in one process without Flink: the operations are applied in order with the {@code index} module's
 * functions the job uses too ({@link Points#fromJson}, {@link PayloadOperations}), and a query runs on one
 * {@link CollectionIndex} holding every point. So a job's answer that differs from this one comes from
 * distribution, recovery or restore, not from query semantics (those are the conformance tests' business).
 *
 * <p>Only operations that succeed are modelled (no 404 for a missing listed id). Not thread-safe.
 */
final class ReferenceCollection {
    private final String name;
    private final CollectionConfig config;
    private final Map<PointId, Point> points = new TreeMap<>();

    /** @param vectors the {@code vectors} field of the collection's {@code create_collection} body */
    ReferenceCollection(String name, JsonNode vectors) {
        this.name = name;
        this.config = CollectionConfig.fromJson(vectors);
    }

    String name() {
        return name;
    }

    /** Applies a point operation of the points topic ({@code {"op":…,"body":…}}) to the collection. */
    void apply(JsonNode operation) {
        String op = operation.get("op").asText();
        JsonNode body = operation.get("body");
        switch (op) {
            case "upsert" -> {
                for (JsonNode p : body.get("points")) {
                    Point point = Points.fromJson(config, p);
                    points.put(point.id(), point);
                }
            }
            case "delete" -> {
                PointSelector selector = PayloadOperations.deletePoints(body);
                points.values().removeIf(selector::matches);
            }
            default -> {
                PayloadOperation change = PayloadOperations.parse(op, body);
                for (Map.Entry<PointId, Point> e : points.entrySet()) {
                    if (change.selector().matches(e.getValue())) {
                        e.setValue(change.apply(e.getValue()));
                    }
                }
            }
        }
    }

    /** The ids of the points, ascending. */
    List<PointId> ids() {
        return List.copyOf(points.keySet());
    }

    /** The point with {@code id}, or {@code null}; its vectors as stored (Cosine ones normalised). */
    Point point(PointId id) {
        return points.get(id);
    }

    int size() {
        return points.size();
    }

    /**
     * The {@code result} of a {@code query} response ({@code {"points": [...]}}) or of a {@code query_batch}
     * response (an array of those) for {@code body}, searched exactly on this collection.
     */
    JsonNode answer(String requestOp, JsonNode body) {
        CollectionIndex index = new CollectionIndex(config, IndexOptions.defaults());
        points.values().forEach(index::upsert);
        if (requestOp.equals("query")) {
            return answer(index, QueryParser.parse(body));
        }
        ArrayNode results = Json.MAPPER.createArrayNode();
        for (QueryRequest request : QueryParser.parseBatch(body)) {
            results.add(answer(index, request));
        }
        return results;
    }

    private JsonNode answer(CollectionIndex index, QueryRequest request) {
        Map<String, CollectionConfig> catalog = Map.of(name, config);
        Map<ExampleRef, Point> examples = new HashMap<>();
        for (ExampleRef ref : request.exampleIds(name)) {
            examples.put(ref, points.get(ref.id()));
        }
        ResolvedQuery q = request.resolve(name, catalog::get, examples::get);
        List<ScoredPoint> hits = index.search(q);
        return ScoredPoint.pointsJson(ResultMerge.merge(new ArrayList<>(List.of(hits)), q.ascending(), q.offset(),
                q.limit()));
    }
}
