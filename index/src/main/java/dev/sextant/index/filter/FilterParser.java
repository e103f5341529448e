package dev.sextant.index.filter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sextant.index.PointId;
import dev.sextant.index.QdrantException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses Qdrant's filter JSON (conformance README §3.5) into an immutable {@link Filter}.
 *
 * <p>Every malformed filter is rejected with a 400 {@link QdrantException} whose message starts with
 * "Format error in JSON body: " and names the place, e.g. {@code filter.must[1].match}. Unknown keys in
 * a filter object are rejected (a typo must not silently widen a filter); geo conditions are not
 * supported and are rejected the same way.
 */
public final class FilterParser {
    private static final Set<String> FILTER_KEYS = Set.of("must", "should", "must_not", "min_should");
    private static final Set<String> FIELD_CHECKS = Set.of("match", "range", "values_count", "is_empty", "is_null");
    private static final Set<String> GEO = Set.of("geo_radius", "geo_bounding_box", "geo_polygon");

    private FilterParser() {}

    /**
     * Parses a filter object.
     *
     * @param node the {@code filter} value (an object)
     * @param where the JSON location for messages, e.g. {@code "filter"}
     * @throws QdrantException 400 when the filter is malformed
     */
    public static Filter parse(JsonNode node, String where) {
        if (node == null || !node.isObject()) {
            throw format(where, "expected a filter object, got " + describe(node));
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!FILTER_KEYS.contains(k)) {
                throw format(where, "unknown field `" + k + "`, expected one of `must`, `should`, `must_not`, `min_should`");
            }
        }
        return new Filter(
                clause(node.get("must"), where + ".must"),
                clause(node.get("should"), where + ".should"),
                clause(node.get("must_not"), where + ".must_not"),
                minShould(node.get("min_should"), where + ".min_should"));
    }

    /** One condition or a list of them; {@code null} / absent = no clause. */
    private static List<Condition> clause(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            return null;
        }
        List<Condition> out = new ArrayList<>();
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                out.add(condition(node.get(i), where + "[" + i + "]"));
            }
        } else {
            out.add(condition(node, where));
        }
        return out;
    }

    private static Filter.MinShould minShould(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject() || !node.has("conditions") || !node.has("min_count")) {
            throw format(where, "expected {\"conditions\": [...], \"min_count\": n}");
        }
        List<Condition> conditions = clause(node.get("conditions"), where + ".conditions");
        JsonNode count = node.get("min_count");
        if (!count.isIntegralNumber() || !count.canConvertToInt() || count.intValue() < 0) {
            throw format(where + ".min_count", "expected a non-negative integer, got " + describe(count));
        }
        return new Filter.MinShould(conditions == null ? List.of() : conditions, count.intValue());
    }

    /** One condition: a field condition, is_empty, is_null, has_id, has_vector, nested, or a filter. */
    static Condition condition(JsonNode node, String where) {
        if (node == null || !node.isObject()) {
            throw format(where, "expected a condition object, got " + describe(node));
        }
        if (node.has("key")) {
            return field(node, where);
        }
        if (node.has("is_empty")) {
            return new Condition.IsEmpty(keyOf(only(node, "is_empty", where), where + ".is_empty"));
        }
        if (node.has("is_null")) {
            return new Condition.IsNull(keyOf(only(node, "is_null", where), where + ".is_null"));
        }
        if (node.has("has_id")) {
            return hasId(only(node, "has_id", where), where + ".has_id");
        }
        if (node.has("has_vector")) {
            JsonNode v = only(node, "has_vector", where);
            if (!v.isTextual()) {
                throw format(where + ".has_vector", "expected a vector name, got " + describe(v));
            }
            return new Condition.HasVector(v.textValue());
        }
        if (node.has("nested")) {
            return nested(only(node, "nested", where), where + ".nested");
        }
        boolean isFilter = true;
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            isFilter &= FILTER_KEYS.contains(it.next());
        }
        if (isFilter) {
            return new Condition.Sub(parse(node, where));
        }
        throw format(where, "unknown condition " + abbreviate(node)
                + "; expected a field condition (key + match/range/values_count), is_empty, is_null, has_id,"
                + " has_vector, nested or a filter");
    }

    private static JsonNode only(JsonNode node, String name, String where) {
        if (node.size() != 1) {
            throw format(where, "a `" + name + "` condition takes no other fields, got " + abbreviate(node));
        }
        return node.get(name);
    }

    private static JsonPath keyOf(JsonNode node, String where) {
        if (node == null || !node.isObject() || !node.path("key").isTextual()) {
            throw format(where, "expected {\"key\": <payload key>}, got " + describe(node));
        }
        return JsonPath.parse(node.get("key").textValue());
    }

    private static Condition hasId(JsonNode node, String where) {
        if (!node.isArray()) {
            throw format(where, "expected a list of point ids, got " + describe(node));
        }
        Set<PointId> ids = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            try {
                ids.add(PointId.fromJson(node.get(i)));
            } catch (QdrantException e) {
                throw format(where + "[" + i + "]", "expected an unsigned integer or a UUID, got " + describe(node.get(i)));
            }
        }
        return new Condition.HasId(ids);
    }

    private static Condition nested(JsonNode node, String where) {
        if (!node.isObject() || !node.path("key").isTextual() || !node.has("filter")) {
            throw format(where, "expected {\"key\": <array key>, \"filter\": {...}}, got " + describe(node));
        }
        return new Condition.Nested(JsonPath.parse(node.get("key").textValue()), parse(node.get("filter"), where + ".filter"));
    }

    private static Condition field(JsonNode node, String where) {
        JsonNode key = node.get("key");
        if (!key.isTextual()) {
            throw format(where + ".key", "expected a payload key string, got " + describe(key));
        }
        JsonPath path = JsonPath.parse(key.textValue());
        List<ValueCheck> checks = new ArrayList<>();
        List<Condition> extra = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode value = e.getValue();
            String at = where + "." + name;
            if (name.equals("key")) {
                continue;
            }
            if (GEO.contains(name)) {
                throw format(at, "geo conditions are not supported");
            }
            if (!FIELD_CHECKS.contains(name)) {
                throw format(at, "unknown field `" + name + "` in a field condition");
            }
            if (value.isNull()) {
                continue;
            }
            switch (name) {
                case "match" -> checks.add(match(value, at));
                case "range" -> checks.add(range(value, at));
                case "values_count" -> checks.add(valuesCount(value, at));
                case "is_empty", "is_null" -> {
                    if (!value.isBoolean()) {
                        throw format(at, "expected a boolean, got " + describe(value));
                    }
                    Condition c = name.equals("is_empty") ? new Condition.IsEmpty(path) : new Condition.IsNull(path);
                    extra.add(value.booleanValue() ? c : negate(c));
                }
                default -> throw new IllegalStateException(name);
            }
        }
        if (checks.isEmpty() && extra.isEmpty()) {
            throw QdrantException.validation(where + ": At least one field condition must be specified");
        }
        Condition fieldCondition = new Condition.Field(path, checks);
        if (extra.isEmpty()) {
            return fieldCondition;
        }
        if (!checks.isEmpty()) {
            extra.add(fieldCondition);
        }
        return extra.size() == 1 ? extra.get(0) : new Condition.Sub(new Filter(extra, null, null, null));
    }

    private static Condition negate(Condition c) {
        return new Condition.Sub(new Filter(null, null, List.of(c), null));
    }

    private static ValueCheck match(JsonNode node, String where) {
        if (!node.isObject() || node.size() != 1) {
            throw format(where, "expected one of {\"value\": v}, {\"any\": [...]}, {\"except\": [...]}, {\"text\": s},"
                    + " {\"phrase\": s}, {\"text_any\": s}; got " + describe(node));
        }
        String kind = node.fieldNames().next();
        JsonNode v = node.get(kind);
        String at = where + "." + kind;
        switch (kind) {
            case "value":
                if (v.isTextual() || v.isBoolean() || (v.isIntegralNumber() && v.canConvertToLong())) {
                    return new ValueCheck.MatchValue(v.deepCopy());
                }
                throw format(at, "expected a string, an integer or a boolean, got " + describe(v));
            case "any":
            case "except": {
                if (!v.isArray()) {
                    throw format(at, "expected a list of strings or a list of integers, got " + describe(v));
                }
                Set<String> strings = new LinkedHashSet<>();
                Set<Long> ints = new LinkedHashSet<>();
                for (JsonNode e : v) {
                    if (e.isTextual()) {
                        strings.add(e.textValue());
                    } else if (e.isIntegralNumber() && e.canConvertToLong()) {
                        ints.add(e.longValue());
                    } else {
                        throw format(at, "expected a list of strings or a list of integers, got " + describe(e) + " in it");
                    }
                }
                if (!strings.isEmpty() && !ints.isEmpty()) {
                    throw format(at, "a list must hold only strings or only integers");
                }
                return kind.equals("any") ? new ValueCheck.MatchAny(strings, ints) : new ValueCheck.MatchExcept(strings, ints);
            }
            case "text":
            case "phrase":
            case "text_any": {
                if (!v.isTextual()) {
                    throw format(at, "expected a string, got " + describe(v));
                }
                Set<String> words = new LinkedHashSet<>();
                if (kind.equals("text_any")) {
                    for (String w : v.textValue().trim().split("\\s+")) {
                        if (!w.isEmpty()) {
                            words.add(w);
                        }
                    }
                } else {
                    words.add(v.textValue());
                }
                return new ValueCheck.MatchText(words);
            }
            default:
                throw format(where, "unknown match kind `" + kind + "`, expected value, any, except, text, phrase or text_any");
        }
    }

    private static ValueCheck range(JsonNode node, String where) {
        if (!node.isObject()) {
            throw format(where, "expected {\"gt\"?, \"gte\"?, \"lt\"?, \"lte\"?}, got " + describe(node));
        }
        boolean numbers = false;
        boolean strings = false;
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!Set.of("gt", "gte", "lt", "lte").contains(e.getKey())) {
                throw format(where, "unknown field `" + e.getKey() + "`, expected gt, gte, lt or lte");
            }
            JsonNode b = e.getValue();
            if (b.isNumber()) {
                if (!Double.isFinite(b.doubleValue())) {
                    throw format(where + "." + e.getKey(), "expected a finite number, got " + b);
                }
                numbers = true;
            } else if (b.isTextual()) {
                strings = true;
            } else if (!b.isNull()) {
                throw format(where + "." + e.getKey(), "expected a number or an RFC 3339 datetime, got " + describe(b));
            }
        }
        if (numbers && strings) {
            throw format(where, "bounds must be all numbers or all datetimes");
        }
        if (strings) {
            return new ValueCheck.DatetimeRange(instant(node, "gt", where), instant(node, "gte", where),
                    instant(node, "lt", where), instant(node, "lte", where));
        }
        return new ValueCheck.NumberRange(number(node, "gt"), number(node, "gte"), number(node, "lt"), number(node, "lte"));
    }

    private static Double number(JsonNode node, String name) {
        JsonNode b = node.get(name);
        return b == null || b.isNull() ? null : b.doubleValue();
    }

    private static Instant instant(JsonNode node, String name, String where) {
        JsonNode b = node.get(name);
        if (b == null || b.isNull()) {
            return null;
        }
        Instant t = Values.datetime(b.textValue());
        if (t == null) {
            throw format(where + "." + name, "expected an RFC 3339 datetime, got " + b);
        }
        return t;
    }

    private static ValueCheck valuesCount(JsonNode node, String where) {
        if (!node.isObject()) {
            throw format(where, "expected {\"gt\"?, \"gte\"?, \"lt\"?, \"lte\"?}, got " + describe(node));
        }
        Long[] bounds = new Long[4];
        String[] names = {"gt", "gte", "lt", "lte"};
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!Set.of(names).contains(k)) {
                throw format(where, "unknown field `" + k + "`, expected gt, gte, lt or lte");
            }
        }
        for (int i = 0; i < 4; i++) {
            JsonNode b = node.get(names[i]);
            if (b == null || b.isNull()) {
                continue;
            }
            if (!b.isIntegralNumber() || !b.canConvertToLong() || b.longValue() < 0) {
                throw format(where + "." + names[i], "expected a non-negative integer, got " + describe(b));
            }
            bounds[i] = b.longValue();
        }
        return new ValueCheck.ValuesCount(bounds[0], bounds[1], bounds[2], bounds[3]);
    }

    static QdrantException format(String where, String why) {
        return QdrantException.badRequest("Format error in JSON body: " + where + ": " + why);
    }

    static String describe(JsonNode n) {
        if (n == null || n.isMissingNode()) {
            return "nothing";
        }
        if (n.isTextual()) {
            return "string " + abbreviate(n);
        }
        if (n.isNumber()) {
            return (n.isIntegralNumber() ? "integer " : "number ") + n;
        }
        if (n.isBoolean()) {
            return "boolean " + n;
        }
        if (n.isNull()) {
            return "null";
        }
        return (n.isArray() ? "list " : "object ") + abbreviate(n);
    }

    private static String abbreviate(JsonNode n) {
        String s = n.toString();
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}
