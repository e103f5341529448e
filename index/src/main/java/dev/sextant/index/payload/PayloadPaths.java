package dev.sextant.index.payload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sextant.index.filter.JsonPath;
import dev.sextant.index.filter.JsonPath.Step;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Edits of a payload tree along a {@link JsonPath}, as Qdrant v1.19's {@code json_path} {@code value_set} and
 * {@code value_remove} do them. Each method modifies the tree it is given: callers pass a private copy.
 */
final class PayloadPaths {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private PayloadPaths() {}

    /** Top-level merge: each key of {@code values} replaces that key of {@code target}; a {@code null} removes it. */
    static void merge(ObjectNode target, ObjectNode values) {
        for (Iterator<Map.Entry<String, JsonNode>> it = values.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isNull()) {
                target.remove(e.getKey());
            } else {
                target.set(e.getKey(), e.getValue().deepCopy());
            }
        }
    }

    /** {@link #merge} into the object at {@code path} of {@code root} (see {@link SetPayload} for the rules). */
    static void set(ObjectNode root, JsonPath path, ObjectNode values) {
        List<Step> steps = path.steps();
        setInObject(root, steps.get(0).key(), steps, 1, values);
    }

    private static void setInObject(ObjectNode object, String key, List<Step> steps, int at, ObjectNode values) {
        object.set(key, setAt(object.get(key), steps, at, values));
    }

    /** The node that replaces {@code dest} ({@code null}: missing) once the rest of the path is set. */
    private static JsonNode setAt(JsonNode dest, List<Step> steps, int at, ObjectNode values) {
        if (at == steps.size()) {
            ObjectNode object = dest instanceof ObjectNode o ? o : JSON.objectNode();
            merge(object, values);
            return object;
        }
        Step step = steps.get(at);
        if (step.isKey()) {
            ObjectNode object = dest instanceof ObjectNode o ? o : JSON.objectNode();
            setInObject(object, step.key(), steps, at + 1, values);
            return object;
        }
        if (!(dest instanceof ArrayNode array)) {
            return JSON.arrayNode(); // a value that is not an array becomes [] (nothing to enter)
        }
        if (step.isAll()) {
            for (int i = 0; i < array.size(); i++) {
                array.set(i, setAt(array.get(i), steps, at + 1, values));
            }
        } else if (step.index() < array.size()) {
            array.set(step.index(), setAt(array.get(step.index()), steps, at + 1, values));
        }
        return array;
    }

    /**
     * Removes what {@code path} reaches in {@code root}: a key from its object, or every element of an array
     * reached by a final {@code []}; a final index removes nothing.
     */
    static void remove(ObjectNode root, JsonPath path) {
        List<Step> steps = path.steps();
        if (steps.size() == 1) {
            root.remove(steps.get(0).key());
            return;
        }
        JsonNode value = root.get(steps.get(0).key());
        if (value != null) {
            removeAt(value, steps, 1);
        }
    }

    private static void removeAt(JsonNode value, List<Step> steps, int at) {
        Step step = steps.get(at);
        boolean last = at == steps.size() - 1;
        if (step.isKey()) {
            if (value instanceof ObjectNode object) {
                if (last) {
                    object.remove(step.key());
                } else if (object.get(step.key()) != null) {
                    removeAt(object.get(step.key()), steps, at + 1);
                }
            }
        } else if (value instanceof ArrayNode array) {
            if (step.isAll()) {
                if (last) {
                    array.removeAll();
                } else {
                    array.forEach(element -> removeAt(element, steps, at + 1));
                }
            } else if (!last && step.index() < array.size()) {
                removeAt(array.get(step.index()), steps, at + 1);
            }
        }
    }
}
