package dev.sextant.index.filter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sextant.index.PointId;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One condition of a filter (conformance README §3.5). Immutable and thread-safe.
 *
 * <p>A condition is tested against a point's id, payload and vector names. Inside a {@code nested}
 * filter the "point" is one array element: its id and vectors are {@code null}, so {@code has_id} and
 * {@code has_vector} never hold there (as in Qdrant).
 */
public sealed interface Condition {

    /**
     * @param id the point id, {@code null} inside {@code nested}
     * @param payload the payload object, {@code null} when the point has none
     * @param vectors the point's vectors by name, {@code null} inside {@code nested}
     */
    boolean test(PointId id, JsonNode payload, Map<String, ?> vectors);

    /** {@code {"key": path, "match" | "range" | "values_count": ...}}; several checks must all hold. */
    record Field(JsonPath key, List<ValueCheck> checks) implements Condition {
        public Field {
            checks = List.copyOf(checks);
        }

        @Override
        public boolean test(PointId id, JsonNode payload, Map<String, ?> vectors) {
            List<JsonNode> values = key.values(payload);
            for (ValueCheck c : checks) {
                if (!holds(c, values)) {
                    return false;
                }
            }
            return true;
        }

        private static boolean holds(ValueCheck c, List<JsonNode> values) {
            if (values.isEmpty()) {
                return c.checkEmpty();
            }
            for (JsonNode v : values) {
                if (c.check(v)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** {@code {"is_empty": {"key": k}}}: the field is missing, {@code null} or {@code []}. */
    record IsEmpty(JsonPath key) implements Condition {
        @Override
        public boolean test(PointId id, JsonNode payload, Map<String, ?> vectors) {
            for (JsonNode v : key.values(payload)) {
                if (!(v.isNull() || (v.isArray() && v.isEmpty()))) {
                    return false;
                }
            }
            return true;
        }
    }

    /** {@code {"is_null": {"key": k}}}: the field is explicitly {@code null} ({@code [null]} is not). */
    record IsNull(JsonPath key) implements Condition {
        @Override
        public boolean test(PointId id, JsonNode payload, Map<String, ?> vectors) {
            for (JsonNode v : key.values(payload)) {
                if (v.isNull()) {
                    return true;
                }
            }
            return false;
        }
    }

    /** {@code {"has_id": [ids]}}. */
    record HasId(Set<PointId> ids) implements Condition {
        public HasId {
            ids = Set.copyOf(ids);
        }

        @Override
        public boolean test(PointId id, JsonNode payload, Map<String, ?> vectors) {
            return id != null && ids.contains(id);
        }
    }

    /** {@code {"has_vector": name}}: the point has a vector under that name. */
    record HasVector(String name) implements Condition {
        @Override
        public boolean test(PointId id, JsonNode payload, Map<String, ?> vectors) {
            return vectors != null && vectors.containsKey(name);
        }
    }

    /**
     * {@code {"nested": {"key": arr, "filter": F}}}: some object element of the array {@code arr} satisfies
     * the whole of {@code F} on its own, keys relative to the element.
     */
    record Nested(JsonPath key, Filter filter) implements Condition {
        @Override
        public boolean test(PointId id, JsonNode payload, Map<String, ?> vectors) {
            for (JsonNode element : key.elements().values(payload)) {
                if (element.isObject() && filter.test(null, element, null)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A filter object used as a condition. */
    record Sub(Filter filter) implements Condition {
        @Override
        public boolean test(PointId id, JsonNode payload, Map<String, ?> vectors) {
            return filter.test(id, payload, vectors);
        }
    }
}
