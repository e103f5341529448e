package dev.sextant.job.protocol;

import dev.sextant.index.PointId;

/**
 * The point store's answer to a {@link Lookup}, keyed by the request's ticket.
 *
 * @param found false when the point does not exist (in that incarnation); names and vectors are then null
 * @param vectorNames the point's vector names ({@code ""} = unnamed), parallel to {@code vectors}
 */
public record LookupResult(
        RequestRef ref, String collection, PointId id, boolean found, String[] vectorNames, float[][] vectors) {}
