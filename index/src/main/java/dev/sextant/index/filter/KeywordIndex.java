package dev.sextant.index.filter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sextant.index.Point;
import dev.sextant.index.PointId;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * An inverted index of the keyword, integer and boolean payload values under a key: value → the points whose
 * payload holds it there (Qdrant's keyword/integer/bool payload index, without {@code create_field_index}: a key
 * is indexed the first time a filter matches on it, then kept up to date). It only narrows the candidates of a
 * filter: every candidate is still tested with the whole filter, so results are the same with or without it.
 *
 * <p>{@link #candidates} looks at the {@code must} conditions that {@code match} a {@code value} or {@code any}
 * of several, and returns the smallest of their posting sets: a superset of the points the filter admits,
 * because a point outside it fails that {@code must} condition. A value reached under the key counts as
 * {@link ValueCheck#check} counts it (an array by its elements, one level), and two values are the same key
 * exactly when {@link Values#sameKeyword} says so (a string equals a string, a boolean a boolean, an integer
 * an integer; a stored {@code 10.0} is not the integer 10).
 *
 * <p>Memory: one entry per (indexed key, point value), at most {@value #MAX_KEYS} keys per collection; filters
 * on further keys are evaluated without an index. Not thread-safe: the owner of the collection calls
 * everything.
 */
public final class KeywordIndex {
    /** Keys indexed at most per collection (each costs about one set entry per point holding the key). */
    static final int MAX_KEYS = 16;

    /** Key → value (as {@link #valueKey}) → points. */
    private final Map<JsonPath, Map<String, Set<PointId>>> postings = new HashMap<>();

    /**
     * Keeps the indexed keys up to date after {@code old} (or nothing) was replaced by {@code now}, a point with the
     * same id. Only the values that changed are touched: most upserts replace a vector and keep the payload.
     */
    public void replace(Point old, Point now) {
        postings.forEach((path, byValue) -> {
            Set<String> before = old == null ? Set.of() : valueKeys(path, old.payload());
            Set<String> after = valueKeys(path, now.payload());
            for (String value : before) {
                if (!after.contains(value)) {
                    removeId(byValue, value, old.id());
                }
            }
            for (String value : after) {
                if (!before.contains(value)) {
                    addId(byValue, value, now.id());
                }
            }
        });
    }

    /** Keeps the indexed keys up to date after {@code old} was deleted. */
    public void remove(Point old) {
        postings.forEach((path, byValue) -> {
            for (String value : valueKeys(path, old.payload())) {
                removeId(byValue, value, old.id());
            }
        });
    }

    private static void addId(Map<String, Set<PointId>> byValue, String value, PointId id) {
        byValue.computeIfAbsent(value, v -> new HashSet<>()).add(id);
    }

    private static void removeId(Map<String, Set<PointId>> byValue, String value, PointId id) {
        Set<PointId> ids = byValue.get(value);
        if (ids != null) {
            ids.remove(id);
            if (ids.isEmpty()) {
                byValue.remove(value);
            }
        }
    }

    /**
     * A set of point ids that holds every point {@code filter} admits, or {@code null} when no {@code must}
     * condition can be looked up (then every point is a candidate). Indexes a key on first use by going through
     * {@code points} once. The set must not be modified and is valid until the next change.
     *
     * @param points every point of the collection (read only to index a new key)
     */
    public Set<PointId> candidates(Filter filter, Iterable<Point> points) {
        if (filter.must() == null) {
            return null;
        }
        Set<PointId> best = null;
        for (Condition c : filter.must()) {
            if (!(c instanceof Condition.Field field)) {
                continue;
            }
            for (ValueCheck check : field.checks()) {
                Set<String> wanted = wantedKeys(check);
                if (wanted == null) {
                    continue;
                }
                Map<String, Set<PointId>> byValue = postings(field.key(), points);
                if (byValue == null) {
                    continue; // too many keys indexed already
                }
                Set<PointId> found = union(byValue, wanted);
                if (best == null || found.size() < best.size()) {
                    best = found;
                }
            }
        }
        return best;
    }

    /** Keys indexed so far (for tests and monitoring). */
    public Set<JsonPath> keys() {
        return Collections.unmodifiableSet(postings.keySet());
    }

    private Map<String, Set<PointId>> postings(JsonPath path, Iterable<Point> points) {
        Map<String, Set<PointId>> byValue = postings.get(path);
        if (byValue == null) {
            if (postings.size() >= MAX_KEYS) {
                return null;
            }
            byValue = new HashMap<>();
            for (Point p : points) {
                add(path, byValue, p);
            }
            postings.put(path, byValue);
        }
        return byValue;
    }

    private static Set<PointId> union(Map<String, Set<PointId>> byValue, Set<String> wanted) {
        if (wanted.size() == 1) {
            return byValue.getOrDefault(wanted.iterator().next(), Set.of());
        }
        Set<PointId> out = new HashSet<>();
        for (String w : wanted) {
            out.addAll(byValue.getOrDefault(w, Set.of()));
        }
        return out;
    }

    /** The value keys a check admits, or {@code null} when it is not an equality the index answers. */
    private static Set<String> wantedKeys(ValueCheck check) {
        if (check instanceof ValueCheck.MatchValue m) {
            String key = valueKey(m.value());
            return key == null ? null : Set.of(key);
        }
        if (check instanceof ValueCheck.MatchAny any) {
            Set<String> keys = new HashSet<>();
            any.strings().forEach(s -> keys.add("s" + s));
            any.integers().forEach(i -> keys.add("i" + i));
            return keys;
        }
        return null;
    }

    private static void add(JsonPath path, Map<String, Set<PointId>> byValue, Point p) {
        for (String value : valueKeys(path, p.payload())) {
            addId(byValue, value, p.id());
        }
    }

    /** The value keys of what {@code path} reaches in {@code payload}: arrays by their elements, one level. */
    private static Set<String> valueKeys(JsonPath path, JsonNode payload) {
        if (payload == null) {
            return Set.of();
        }
        Set<String> out = new HashSet<>(2);
        for (JsonNode v : path.values(payload)) {
            if (v.isArray()) {
                for (JsonNode e : v) {
                    addKey(out, e);
                }
            } else {
                addKey(out, v);
            }
        }
        return out;
    }

    private static void addKey(Set<String> out, JsonNode scalar) {
        String key = valueKey(scalar);
        if (key != null) {
            out.add(key);
        }
    }

    /**
     * One string per equivalence class of {@link Values#sameKeyword}: {@code s} + text, {@code b} + boolean,
     * {@code i} + integer; {@code null} for any other value (never equal to a keyword, boolean or integer).
     */
    static String valueKey(JsonNode v) {
        if (v.isTextual()) {
            return "s" + v.textValue();
        }
        if (v.isBoolean()) {
            return v.booleanValue() ? "btrue" : "bfalse";
        }
        Long i = Values.integer(v);
        return i == null ? null : "i" + i;
    }
}
