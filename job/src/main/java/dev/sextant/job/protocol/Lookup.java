package dev.sextant.job.protocol;

import dev.sextant.index.PointId;

/**
 * A request's need for one stored point (an example id), sent to {@code PointStore} keyed by collection and id.
 *
 * @param incarnation the incarnation of {@code collection} the request was planned against; a stored point of
 *     another incarnation does not count
 */
public record Lookup(RequestRef ref, String collection, long incarnation, PointId id) {

    public String storeKey() {
        return PointWrite.storeKey(collection, id);
    }
}
