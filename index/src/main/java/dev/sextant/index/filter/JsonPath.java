package dev.sextant.index.filter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sextant.index.QdrantException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A payload key as Qdrant writes it (conformance README §3.5, "Paths"): {@code a.b} walks into objects,
 * {@code a[]} walks through every element of an array, {@code a[2]} takes one element, and
 * {@code "a.b"} (double quotes) is a key containing dots. A path never walks into an array implicitly.
 *
 * <p>Immutable and thread-safe.
 */
public final class JsonPath {
    private final String text;
    private final List<Step> steps;

    private JsonPath(String text, List<Step> steps) {
        this.text = text;
        this.steps = Collections.unmodifiableList(steps);
    }

    /**
     * One step of a path: into an object key ({@code key} set, {@code index} = {@link #NONE}), through all
     * elements of an array ({@code a[]}: {@code key} null, {@code index} = {@link #ALL}), or to one element
     * ({@code a[2]}: {@code key} null, {@code index} ≥ 0).
     */
    public record Step(String key, int index) {
        /** The index of a {@code []} step. */
        public static final int ALL = -1;
        /** The index of a key step. */
        public static final int NONE = -2;

        public boolean isKey() {
            return key != null;
        }

        /** A {@code []} step. */
        public boolean isAll() {
            return key == null && index == ALL;
        }
    }

    /**
     * Parses a path.
     *
     * @throws QdrantException 400 when the path is empty or malformed
     */
    public static JsonPath parse(String text) {
        if (text == null || text.isEmpty()) {
            throw invalid(text, "empty path");
        }
        List<Step> steps = new ArrayList<>();
        int i = 0;
        int n = text.length();
        boolean expectKey = true;
        while (i < n) {
            char c = text.charAt(i);
            if (expectKey) {
                if (c == '"') {
                    int end = text.indexOf('"', i + 1);
                    if (end < 0) {
                        throw invalid(text, "unterminated quoted key");
                    }
                    steps.add(new Step(text.substring(i + 1, end), Step.NONE));
                    i = end + 1;
                } else {
                    int start = i;
                    while (i < n && ".[]\"".indexOf(text.charAt(i)) < 0) {
                        i++;
                    }
                    if (i == start) {
                        throw invalid(text, "empty key at position " + start);
                    }
                    steps.add(new Step(text.substring(start, i), Step.NONE));
                }
                expectKey = false;
            } else if (c == '[') {
                int end = text.indexOf(']', i);
                if (end < 0) {
                    throw invalid(text, "unterminated '['");
                }
                String inside = text.substring(i + 1, end);
                if (inside.isEmpty()) {
                    steps.add(new Step(null, Step.ALL));
                } else if (inside.chars().allMatch(Character::isDigit) && inside.length() < 10) {
                    steps.add(new Step(null, Integer.parseInt(inside)));
                } else {
                    throw invalid(text, "array index must be empty or a number, got [" + inside + "]");
                }
                i = end + 1;
            } else if (c == '.') {
                if (i + 1 >= n) {
                    throw invalid(text, "path ends with '.'");
                }
                expectKey = true;
                i++;
            } else {
                throw invalid(text, "unexpected '" + c + "' at position " + i);
            }
        }
        if (expectKey) {
            throw invalid(text, "path ends with '.'");
        }
        return new JsonPath(text, steps);
    }

    private static QdrantException invalid(String text, String why) {
        return QdrantException.badRequest("Format error in JSON body: invalid payload key \"" + text + "\": " + why);
    }

    /** This path followed by {@code []}: the elements of the array this path reaches. */
    public JsonPath elements() {
        List<Step> more = new ArrayList<>(steps);
        more.add(new Step(null, Step.ALL));
        return new JsonPath(text + "[]", more);
    }

    /**
     * The values this path reaches in {@code root} (an object, or {@code null} for no payload), in
     * document order. A reached array is returned as one value, not flattened; an explicit JSON null is
     * returned as a null node; a missing key contributes nothing.
     */
    public List<JsonNode> values(JsonNode root) {
        List<JsonNode> out = new ArrayList<>(1);
        if (root != null) {
            walk(root, 0, out);
        }
        return out;
    }

    private void walk(JsonNode node, int at, List<JsonNode> out) {
        if (at == steps.size()) {
            out.add(node);
            return;
        }
        Step s = steps.get(at);
        if (s.isKey()) {
            if (node.isObject()) {
                JsonNode child = node.get(s.key());
                if (child != null) {
                    walk(child, at + 1, out);
                }
            }
        } else if (node.isArray()) {
            if (s.index() == Step.ALL) {
                for (JsonNode e : node) {
                    walk(e, at + 1, out);
                }
            } else if (s.index() < node.size()) {
                walk(node.get(s.index()), at + 1, out);
            }
        }
    }

    /** The steps in order; the first is always a key. */
    public List<Step> steps() {
        return steps;
    }

    /** True when the path is a chain of object keys only (no array steps). */
    public boolean keysOnly() {
        return steps.stream().allMatch(Step::isKey);
    }

    /** The object keys of a {@link #keysOnly()} path, in order. */
    public List<String> keys() {
        List<String> keys = new ArrayList<>();
        for (Step s : steps) {
            if (s.isKey()) {
                keys.add(s.key());
            }
        }
        return keys;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JsonPath p && p.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    /** The path as written. */
    @Override
    public String toString() {
        return text;
    }
}
