package dev.sextant.index.filter;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Set;

/**
 * What a field condition checks on each value its key reaches (conformance README §3.5): {@code match}
 * (value, any, except, text), {@code range} (numbers or datetimes) and {@code values_count}.
 *
 * <p>A reached array satisfies a check when any element does (one level), except for
 * {@link ValuesCount}, which counts the elements. When the key reaches nothing (missing field), the
 * condition holds only if {@link #checkEmpty()} says so. Immutable and thread-safe.
 */
public sealed interface ValueCheck {

    /** Whether one scalar value (never an array) satisfies the check. */
    boolean matches(JsonNode scalar);

    /** Whether one reached value satisfies the check; an array holds when one of its elements does. */
    default boolean check(JsonNode value) {
        if (value.isArray()) {
            for (JsonNode e : value) {
                if (matches(e)) {
                    return true;
                }
            }
            return false;
        }
        return matches(value);
    }

    /** The outcome when the key reaches no value at all. */
    default boolean checkEmpty() {
        return false;
    }

    /**
     * {@code match: {value: v}}: a string equals a string, a boolean a boolean, and an integer only an
     * integer payload value (a stored {@code 10.0} does not match {@code 10}).
     */
    record MatchValue(JsonNode value) implements ValueCheck {
        @Override
        public boolean matches(JsonNode scalar) {
            return Values.sameKeyword(value, scalar);
        }
    }

    /** {@code match: {any: [...]}}: the value is one of the strings or integers. */
    record MatchAny(Set<String> strings, Set<Long> integers) implements ValueCheck {
        public MatchAny {
            strings = Set.copyOf(strings);
            integers = Set.copyOf(integers);
        }

        @Override
        public boolean matches(JsonNode scalar) {
            if (scalar.isTextual()) {
                return strings.contains(scalar.textValue());
            }
            Long i = Values.integer(scalar);
            return i != null && integers.contains(i);
        }
    }

    /**
     * {@code match: {except: [...]}}: a value outside the list. A null never matches, so a missing field,
     * {@code null} or {@code []} never matches; a value of another type (a float, a boolean) is outside.
     */
    record MatchExcept(Set<String> strings, Set<Long> integers) implements ValueCheck {
        public MatchExcept {
            strings = Set.copyOf(strings);
            integers = Set.copyOf(integers);
        }

        @Override
        public boolean matches(JsonNode scalar) {
            if (scalar.isNull()) {
                return false;
            }
            if (scalar.isTextual()) {
                return !strings.contains(scalar.textValue());
            }
            Long i = Values.integer(scalar);
            return i == null || !integers.contains(i);
        }
    }

    /**
     * {@code match: {text: s}} and {@code match: {phrase: s}}: the string value contains {@code s};
     * {@code match: {text_any: s}}: it contains one of the whitespace-separated words of {@code s}.
     * Substring semantics are Qdrant's for a field without a full-text index.
     *
     * @param words the substrings of which one must occur
     */
    record MatchText(Set<String> words) implements ValueCheck {
        public MatchText {
            words = Set.copyOf(words);
        }

        @Override
        public boolean matches(JsonNode scalar) {
            if (!scalar.isTextual()) {
                return false;
            }
            String s = scalar.textValue();
            for (String w : words) {
                if (s.contains(w)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** {@code range: {gt?, gte?, lt?, lte?}} on numbers; absent bounds are {@code null}. */
    record NumberRange(Double gt, Double gte, Double lt, Double lte) implements ValueCheck {
        @Override
        public boolean matches(JsonNode scalar) {
            if (!scalar.isNumber()) {
                return false;
            }
            double x = scalar.doubleValue();
            return (gt == null || x > gt) && (gte == null || x >= gte)
                    && (lt == null || x < lt) && (lte == null || x <= lte);
        }
    }

    /** {@code range} with RFC 3339 datetime bounds, checked on payload strings that parse as datetimes. */
    record DatetimeRange(Instant gt, Instant gte, Instant lt, Instant lte) implements ValueCheck {
        @Override
        public boolean matches(JsonNode scalar) {
            if (!scalar.isTextual()) {
                return false;
            }
            Instant x = Values.datetime(scalar.textValue());
            return x != null && (gt == null || x.isAfter(gt)) && (gte == null || !x.isBefore(gte))
                    && (lt == null || x.isBefore(lt)) && (lte == null || !x.isAfter(lte));
        }
    }

    /**
     * {@code values_count: {gt?, gte?, lt?, lte?}}: the number of values; an array counts its elements,
     * {@code null} counts 0, a missing field counts 0, any other value 1.
     */
    record ValuesCount(Long gt, Long gte, Long lt, Long lte) implements ValueCheck {
        @Override
        public boolean matches(JsonNode scalar) {
            return count(scalar.isNull() ? 0 : 1);
        }

        @Override
        public boolean check(JsonNode value) {
            return count(value.isNull() ? 0 : value.isArray() ? value.size() : 1);
        }

        @Override
        public boolean checkEmpty() {
            return count(0);
        }

        private boolean count(long n) {
            return (gt == null || n > gt) && (gte == null || n >= gte)
                    && (lt == null || n < lt) && (lte == null || n <= lte);
        }
    }
}
