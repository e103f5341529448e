package dev.sextant.index.payload;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sextant.index.Point;
import dev.sextant.index.PointId;
import dev.sextant.index.QdrantException;
import dev.sextant.index.filter.Filter;
import dev.sextant.index.filter.FilterParser;
import java.util.ArrayList;
import java.util.List;

/**
 * Which points an operation reaches: a list of ids ({@code "points": [..]}) or every point a filter admits
 * ({@code "filter": {..}}), Qdrant's {@code PointsSelector}. Immutable and thread-safe.
 */
public sealed interface PointSelector {

    /** Whether the selector reaches {@code point} (an id in the list, or a point the filter admits). */
    boolean matches(Point point);

    /** Writes the selector's field ({@code points} or {@code filter}) into an operation body. */
    void writeTo(ObjectNode body);

    /**
     * {@code "points": [ids]}, in the order written (duplicates kept: Qdrant applies an operation once per
     * listed id).
     *
     * @param ids the listed point ids
     */
    record Ids(List<PointId> ids) implements PointSelector {
        public Ids {
            ids = List.copyOf(ids);
        }

        /** Linear in the number of ids; a caller with many ids routes by {@link #ids()} instead. */
        @Override
        public boolean matches(Point point) {
            return ids.contains(point.id());
        }

        @Override
        public void writeTo(ObjectNode body) {
            ArrayNode array = body.putArray("points");
            ids.forEach(id -> array.add(id.toJson()));
        }
    }

    /**
     * {@code "filter": {..}}: every stored point the filter admits, tested with the query filters' code
     * (conformance README §3.5).
     *
     * @param filter the parsed filter
     * @param filterJson the filter as written (compact JSON), for {@link #writeTo}
     */
    record Matching(Filter filter, String filterJson) implements PointSelector {
        @Override
        public boolean matches(Point point) {
            return filter.test(point);
        }

        @Override
        public void writeTo(ObjectNode body) {
            try {
                body.set("filter", PayloadOperations.MAPPER.readTree(filterJson));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a parsed filter is valid JSON: " + filterJson, e);
            }
        }
    }

    /**
     * The selector of a delete or {@code clear_payload} body (Qdrant's {@code PointsSelector}):
     * {@code {"points": [ids]}} or {@code {"filter": {..}}}; {@code points} wins when both are given.
     *
     * @throws QdrantException 400 "Format error in JSON body: …" for another shape (Qdrant's text "data did
     *     not match any variant of untagged enum PointsSelector" when neither field is given), a bad id or a
     *     malformed filter; 422 for a filter condition without a check; 400 for {@code shard_key}
     */
    static PointSelector fromJson(JsonNode body) {
        PayloadOperations.requireObject(body);
        PointSelector selector = optional(body);
        if (selector == null) {
            throw PayloadOperations.format("data did not match any variant of untagged enum PointsSelector;"
                    + " expected {\"points\": [ids]} or {\"filter\": {...}}");
        }
        return selector;
    }

    /**
     * The {@code points} / {@code filter} fields of a {@code set_payload}, {@code overwrite_payload} or
     * {@code delete_payload} body; {@code points} wins when both are given (the filter is still checked).
     *
     * @throws QdrantException 400 "Format error in JSON body: Either list of point ids or filter must be
     *     provided" when neither is given; the errors of {@link #fromJson} otherwise
     */
    static PointSelector required(JsonNode body) {
        PointSelector selector = optional(body);
        if (selector == null) {
            throw PayloadOperations.format("Either list of point ids or filter must be provided");
        }
        return selector;
    }

    private static PointSelector optional(JsonNode body) {
        if (PayloadOperations.present(body.get("shard_key"))) {
            throw PayloadOperations.format("shard_key: shard keys are not supported");
        }
        JsonNode points = body.get("points");
        JsonNode filter = body.get("filter");
        Matching matching = null;
        if (PayloadOperations.present(filter)) {
            matching = new Matching(FilterParser.parse(filter, "filter"), filter.toString());
        }
        if (PayloadOperations.present(points)) {
            if (!points.isArray()) {
                throw PayloadOperations.format("points: expected a list of point ids, got " + points);
            }
            List<PointId> ids = new ArrayList<>(points.size());
            for (JsonNode id : points) {
                ids.add(PointId.fromJson(id));
            }
            return new Ids(ids);
        }
        return matching;
    }
}
