package dev.sextant.index.query;

import dev.sextant.index.PointId;

/**
 * A point id used as an example, with the collection it must be read from: the {@code lookup_from}
 * collection when the request names one, the searched collection otherwise.
 *
 * @param collection the collection holding the point
 * @param id the example's point id
 */
public record ExampleRef(String collection, PointId id) {}
