package dev.sextant.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Locale;
import java.util.UUID;

/**
 * A point id: an unsigned 64-bit integer or a UUID, as in Qdrant.
 *
 * <p>Exactly one of the two forms is set: {@code uuid == null} means the id is the integer {@code num}
 * (stored as a signed long holding the unsigned value); otherwise {@code uuid} is the canonical
 * lowercase hyphenated UUID string and {@code num} is 0.
 *
 * <p>Order (decision D4): integer ids ascending (unsigned) first, then UUIDs by their canonical string.
 *
 * <p>A record with a long and a String so that Flink serialises it as a POJO (no Kryo).
 */
public record PointId(long num, String uuid) implements Comparable<PointId> {

    public static PointId of(long unsigned) {
        return new PointId(unsigned, null);
    }

    public static PointId of(UUID uuid) {
        return new PointId(0, uuid.toString().toLowerCase(Locale.ROOT));
    }

    public boolean isUuid() {
        return uuid != null;
    }

    /**
     * Parses an id from JSON: a non-negative integer (up to 2^64-1) or a UUID string (as in Qdrant, a string
     * of digits is not an integer id).
     *
     * @throws QdrantException 400 when the node is neither
     */
    public static PointId fromJson(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            throw QdrantException.badRequest("Format error in JSON body: point id is missing");
        }
        if (node.isIntegralNumber()) {
            if (node.canConvertToLong()) {
                long v = node.longValue();
                if (v < 0) {
                    throw QdrantException.badRequest(
                            "Format error in JSON body: point id must be an unsigned integer or a UUID, got " + node);
                }
                return of(v);
            }
            java.math.BigInteger big = node.bigIntegerValue();
            if (big.signum() >= 0 && big.bitLength() <= 64) {
                return of(big.longValue());
            }
        } else if (node.isTextual()) {
            // Qdrant reads a string id as a UUID only: "12" is not the integer 12.
            PointId uuid = uuid(node.textValue());
            if (uuid != null) {
                return uuid;
            }
        }
        throw QdrantException.badRequest(
                "Format error in JSON body: point id must be an unsigned integer or a UUID, got " + node);
    }

    /**
     * Parses the text form: decimal digits (an unsigned 64-bit integer) or a UUID (any case, hyphenated or
     * 32 hex digits).
     *
     * @throws QdrantException 400 when the text is neither
     */
    public static PointId parse(String text) {
        if (text != null && !text.isEmpty() && text.length() <= 20 && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            try {
                return of(Long.parseUnsignedLong(text));
            } catch (NumberFormatException e) {
                // above 2^64 − 1: falls through to the error below
            }
        } else {
            PointId uuid = uuid(text);
            if (uuid != null) {
                return uuid;
            }
        }
        throw QdrantException.badRequest("Format error in JSON body: value " + text + " is not a valid point ID");
    }

    /** A UUID in hyphenated (36 chars) or simple (32 hex digits) form, any case; {@code null} otherwise. */
    private static PointId uuid(String text) {
        if (text == null) {
            return null;
        }
        String t = text;
        if (t.length() == 32 && t.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            t = t.substring(0, 8) + '-' + t.substring(8, 12) + '-' + t.substring(12, 16) + '-' + t.substring(16, 20)
                    + '-' + t.substring(20);
        }
        if (t.length() != 36 || t.charAt(8) != '-' || t.charAt(13) != '-' || t.charAt(18) != '-' || t.charAt(23) != '-') {
            return null;
        }
        for (int i = 0; i < 36; i++) {
            if (i != 8 && i != 13 && i != 18 && i != 23 && Character.digit(t.charAt(i), 16) < 0) {
                return null;
            }
        }
        return of(UUID.fromString(t));
    }

    public JsonNode toJson() {
        if (uuid != null) {
            return JsonNodeFactory.instance.textNode(uuid);
        }
        return num >= 0 ? JsonNodeFactory.instance.numberNode(num)
                : JsonNodeFactory.instance.numberNode(new java.math.BigInteger(Long.toUnsignedString(num)));
    }

    @Override
    public int compareTo(PointId o) {
        if (uuid == null) {
            return o.uuid == null ? Long.compareUnsigned(num, o.num) : -1;
        }
        return o.uuid == null ? 1 : uuid.compareTo(o.uuid);
    }

    /** The text form used in messages and error texts: digits or the UUID. */
    @Override
    public String toString() {
        return uuid != null ? uuid : Long.toUnsignedString(num);
    }
}
