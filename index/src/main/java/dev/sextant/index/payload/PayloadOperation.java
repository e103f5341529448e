package dev.sextant.index.payload;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sextant.index.Point;

/**
 * A parsed payload operation: which points it reaches, and what it does to each. Immutable and thread-safe.
 *
 * <p>{@link #apply} is a pure function: it returns the point's next version (same id, same vector arrays, a
 * new payload object, never {@code null}) and modifies neither its input nor the operation. It does not
 * check that the selector reaches the point; the caller applies it to the points the selector names or
 * {@link PointSelector#matches matches}. A listed id that names no stored point is an error in Qdrant
 * ({@link PayloadOperations#pointNotFound}).
 */
public sealed interface PayloadOperation permits SetPayload, OverwritePayload, DeletePayload, ClearPayload {

    /** The points the operation reaches. */
    PointSelector selector();

    /** The point after the operation; the input is left as it was. */
    Point apply(Point point);

    /** Qdrant's name of the operation: {@code set_payload}, {@code overwrite_payload}, … */
    String name();

    /** The REST body of the operation, which {@link PayloadOperations#parse} reads back to an equal operation. */
    ObjectNode toJson();
}
