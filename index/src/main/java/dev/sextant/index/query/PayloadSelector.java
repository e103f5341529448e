package dev.sextant.index.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sextant.index.QdrantException;
import dev.sextant.index.filter.JsonPath;
import java.util.ArrayList;
import java.util.List;

/**
 * Qdrant's {@code with_payload} (conformance README §3.2, "Response content"): {@code false} / absent
 * (no payload), {@code true} (all of it), a list of keys or {@code {"include": [...]}} (only those), or
 * {@code {"exclude": [...]}} (all but those). Keys may be dotted paths into objects. A point without a
 * payload returns {@code {}} whenever a payload is asked for. Immutable.
 *
 * @param mode what to return
 * @param paths the included or excluded keys (empty for NONE and ALL)
 */
public record PayloadSelector(Mode mode, List<JsonPath> paths) {
    /** No payload. */
    public static final PayloadSelector NONE = new PayloadSelector(Mode.NONE, List.of());
    /** The whole payload. */
    public static final PayloadSelector ALL = new PayloadSelector(Mode.ALL, List.of());

    /** What a selector returns. */
    public enum Mode { NONE, ALL, INCLUDE, EXCLUDE }

    public PayloadSelector {
        paths = List.copyOf(paths);
    }

    /**
     * Parses a {@code with_payload} value ({@code null} = absent = NONE).
     *
     * @throws QdrantException 400 for any other shape
     */
    public static PayloadSelector parse(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            return NONE;
        }
        if (node.isBoolean()) {
            return node.booleanValue() ? ALL : NONE;
        }
        if (node.isArray()) {
            return new PayloadSelector(Mode.INCLUDE, keys(node, where));
        }
        if (node.isObject() && node.size() == 1 && (node.has("include") || node.has("exclude"))) {
            boolean include = node.has("include");
            JsonNode keys = node.get(include ? "include" : "exclude");
            String at = where + (include ? ".include" : ".exclude");
            List<JsonPath> paths = keys.isTextual() ? List.of(path(keys.textValue(), at)) : keys(keys, at);
            return new PayloadSelector(include ? Mode.INCLUDE : Mode.EXCLUDE, paths);
        }
        throw QdrantException.badRequest("Format error in JSON body: " + where
                + ": expected true, false, a list of keys, {\"include\": [...]} or {\"exclude\": [...]}, got " + node);
    }

    private static List<JsonPath> keys(JsonNode node, String where) {
        if (!node.isArray()) {
            throw QdrantException.badRequest("Format error in JSON body: " + where + ": expected a list of keys, got " + node);
        }
        List<JsonPath> out = new ArrayList<>();
        for (JsonNode k : node) {
            if (!k.isTextual()) {
                throw QdrantException.badRequest("Format error in JSON body: " + where + ": expected a key string, got " + k);
            }
            out.add(path(k.textValue(), where));
        }
        return out;
    }

    private static JsonPath path(String key, String where) {
        JsonPath p = JsonPath.parse(key);
        if (!p.keysOnly()) {
            throw QdrantException.badRequest("Format error in JSON body: " + where
                    + ": only object keys (a.b) are supported in payload selectors, got \"" + key + "\"");
        }
        return p;
    }

    /** True when no payload is returned. */
    public boolean none() {
        return mode == Mode.NONE;
    }

    /**
     * The payload to return for a point: {@code null} for NONE, otherwise a fresh object (never the stored
     * one), {@code {}} when the point has no payload.
     */
    public ObjectNode select(JsonNode payload) {
        if (mode == Mode.NONE) {
            return null;
        }
        if (payload == null || !payload.isObject()) {
            return JsonNodeFactory.instance.objectNode();
        }
        switch (mode) {
            case ALL:
                return ((ObjectNode) payload).deepCopy();
            case EXCLUDE: {
                ObjectNode copy = ((ObjectNode) payload).deepCopy();
                for (JsonPath p : paths) {
                    remove(copy, p.keys());
                }
                return copy;
            }
            default: {
                ObjectNode out = JsonNodeFactory.instance.objectNode();
                for (JsonPath p : paths) {
                    copyPath(payload, out, p.keys());
                }
                return out;
            }
        }
    }

    private static void remove(ObjectNode root, List<String> keys) {
        JsonNode at = root;
        for (int i = 0; i < keys.size() - 1; i++) {
            at = at.get(keys.get(i));
            if (at == null || !at.isObject()) {
                return;
            }
        }
        ((ObjectNode) at).remove(keys.get(keys.size() - 1));
    }

    private static void copyPath(JsonNode from, ObjectNode to, List<String> keys) {
        JsonNode src = from;
        for (String k : keys) {
            src = src.isObject() ? src.get(k) : null;
            if (src == null) {
                return;
            }
        }
        ObjectNode dst = to;
        for (int i = 0; i < keys.size() - 1; i++) {
            JsonNode next = dst.get(keys.get(i));
            dst = next instanceof ObjectNode o ? o : dst.putObject(keys.get(i));
        }
        dst.set(keys.get(keys.size() - 1), src.deepCopy());
    }

    /** The selector in request form (round trip of {@link #parse}). */
    public JsonNode toJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        switch (mode) {
            case NONE:
                return f.booleanNode(false);
            case ALL:
                return f.booleanNode(true);
            default: {
                ArrayNode keys = f.arrayNode();
                paths.forEach(p -> keys.add(p.toString()));
                ObjectNode o = f.objectNode();
                o.set(mode == Mode.INCLUDE ? "include" : "exclude", keys);
                return o;
            }
        }
    }
}
