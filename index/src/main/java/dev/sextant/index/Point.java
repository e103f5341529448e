package dev.sextant.index;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * One point as stored: its id, its vectors by name ({@link CollectionConfig#UNNAMED} for the unnamed one;
 * a point may lack some names of a named-vector collection) and its payload (may be {@code null}).
 *
 * <p>Vectors are as stored (already normalised for Cosine). Treat every array and the payload as
 * immutable once the point is built: the index keeps references, it does not copy.
 */
public record Point(PointId id, Map<String, float[]> vectors, ObjectNode payload) {}
