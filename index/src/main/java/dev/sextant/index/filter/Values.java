package dev.sextant.index.filter;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** Payload value helpers shared by the filter checks. */
final class Values {
    private Values() {}

    /**
     * The value as a signed 64-bit integer when it was written as an integer ({@code 10}, not
     * {@code 10.0}), else {@code null}. Qdrant matches integers only against integer payload values.
     */
    static Long integer(JsonNode n) {
        return n.isIntegralNumber() && n.canConvertToLong() ? n.longValue() : null;
    }

    /** Keyword / integer / boolean equality, as {@code match: {value}} uses it. */
    static boolean sameKeyword(JsonNode wanted, JsonNode actual) {
        if (wanted.isTextual()) {
            return actual.isTextual() && wanted.textValue().equals(actual.textValue());
        }
        if (wanted.isBoolean()) {
            return actual.isBoolean() && wanted.booleanValue() == actual.booleanValue();
        }
        Long a = integer(actual);
        return a != null && a == wanted.longValue();
    }

    /**
     * Parses an RFC 3339 datetime ({@code 2020-02-15T00:00:00Z}, a space instead of {@code T} allowed,
     * no offset = UTC) or a date ({@code 2020-02-15} = midnight UTC); {@code null} when it is neither.
     */
    static Instant datetime(String s) {
        String t = s.length() > 10 && s.charAt(10) == ' ' ? s.substring(0, 10) + 'T' + s.substring(11) : s;
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException e) {
            // try the forms without an offset
        }
        try {
            return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            // try a bare date
        }
        try {
            return LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
