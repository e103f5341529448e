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
     * Parses an id from JSON: a non-negative integer (up to 2^64-1) or a UUID string.
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
            return parse(node.textValue());
        }
        throw QdrantException.badRequest(
                "Format error in JSON body: point id must be an unsigned integer or a UUID, got " + node);
    }

    /**
     * Parses the text form: a UUID (any case, hyphenated or simple) or decimal digits.
     *
     * @throws QdrantException 400 when the text is neither
     */
    public static PointId parse(String text) {
        if (text != null && !text.isEmpty() && text.chars().allMatch(Character::isDigit)) {
            try {
                return of(Long.parseUnsignedLong(text));
            } catch (NumberFormatException e) {
                // falls through to the error below
            }
        } else if (text != null) {
            try {
                String t = text.length() == 32 ? text.replaceFirst(
                        "(\\p{XDigit}{8})(\\p{XDigit}{4})(\\p{XDigit}{4})(\\p{XDigit}{4})(\\p{XDigit}+)", "$1-$2-$3-$4-$5")
                        : text;
                if (t.length() == 36) {
                    return of(UUID.fromString(t));
                }
            } catch (IllegalArgumentException e) {
                // falls through to the error below
            }
        }
        throw QdrantException.badRequest("Format error in JSON body: value " + text + " is not a valid point ID");
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
