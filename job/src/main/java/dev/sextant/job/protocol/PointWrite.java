package dev.sextant.job.protocol;

import dev.sextant.index.PointId;

/**
 * One point of an upsert or delete, validated against the collection's configuration, on its way through
 * {@code PointStore} (keyed by collection and id) to the {@code IndexPartition} that owns it.
 *
 * @param incarnation the collection's incarnation when the operation was validated; stale writes are dropped
 * @param configJson the collection's {@code vectors} JSON, so a partition that has not yet seen the creation
 *     can still build the collection's index
 * @param partition the index partition, {@code floorMod(hash(collection, id), P)}
 * @param delete true to delete the point (vectors and payload are then null)
 * @param vectorNames names of the point's vectors ({@code ""} for the unnamed one), parallel to {@code vectors}
 * @param vectors the vectors as stored (Cosine vectors already normalised)
 * @param payloadJson the payload object as JSON, or null when the point has none
 * @param opId the operation's {@code op_id} or null
 * @param opPoints how many points the operation has (the acknowledgment waits for that many)
 */
public record PointWrite(
        String collection,
        long incarnation,
        String configJson,
        PointId id,
        int partition,
        boolean delete,
        String[] vectorNames,
        float[][] vectors,
        String payloadJson,
        String opId,
        int opPoints) {

    /** The store key: collection and id, separated by a NUL (which collection names cannot contain). */
    public String storeKey() {
        return storeKey(collection, id);
    }

    public static String storeKey(String collection, PointId id) {
        return collection + '\0' + id;
    }

    /** The stored form of an upsert. */
    public StoredPoint toStored() {
        return new StoredPoint(collection, incarnation, id, vectorNames, vectors, payloadJson);
    }
}
