package dev.sextant.job.protocol;

import dev.sextant.index.Point;
import dev.sextant.index.PointId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The latest version of a point as kept in keyed state (the point store and the index partitions).
 *
 * @param vectorNames names of the vectors ({@code ""} = unnamed), parallel to {@code vectors}
 * @param payloadJson the payload object as JSON, or null
 */
public record StoredPoint(
        String collection, long incarnation, PointId id, String[] vectorNames, float[][] vectors, String payloadJson) {

    /** The point for the index; the payload is parsed here, vectors are shared, not copied. */
    public Point toPoint() {
        return new Point(id, vectorMap(vectorNames, vectors), payloadJson == null ? null : Json.parseObject(payloadJson));
    }

    /** The vectors by name, sharing the arrays. */
    public static Map<String, float[]> vectorMap(String[] names, float[][] vectors) {
        Map<String, float[]> map = new LinkedHashMap<>();
        if (names != null) {
            for (int i = 0; i < names.length; i++) {
                map.put(names[i], vectors[i]);
            }
        }
        return map;
    }

}
