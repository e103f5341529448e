package dev.sextant.index.query;

import dev.sextant.index.PointId;

/**
 * One example of a query as the client wrote it: a raw vector, or a point id standing for that point's
 * stored vector (conformance README §2, "Examples"). Immutable; the vector array is never modified.
 */
public sealed interface Example {

    /** A raw vector, used as given (dimension checked against the {@code using} space). */
    record Vector(float[] values) implements Example {}

    /** A point id, replaced by the stored vector when the query is resolved. */
    record Id(PointId id) implements Example {}
}
