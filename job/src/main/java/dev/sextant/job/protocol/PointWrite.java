package dev.sextant.job.protocol;

import dev.sextant.index.PointId;

/**
 * One point of an upsert, a delete or a payload operation, validated against the collection's configuration, on
 * its way through {@code PointStore} (keyed by collection and id) to the {@code IndexPartition} that owns it.
 *
 * <p>A write with a {@code payloadChange} asks the store to change the stored point's payload; the store sends
 * the point's whole next version on (an upsert), so the partitions only ever see upserts and deletes.
 *
 * @param incarnation the collection's incarnation when the operation was validated; stale writes are dropped
 * @param configJson the collection's {@code vectors} JSON, so a partition that has not yet seen the creation
 *     can still build the collection's index
 * @param partition the index partition, {@code floorMod(hash(collection, id), P)}
 * @param delete true to delete the point (vectors and payload are then null)
 * @param vectorNames names of the point's vectors ({@code ""} for the unnamed one), parallel to {@code vectors}
 * @param vectors the vectors as stored (Cosine vectors already normalised)
 * @param payloadJson the payload object as JSON, or null when the point has none
 * @param payloadChange the payload operation to apply to the stored point, or null for an upsert or delete
 * @param opId the operation's {@code op_id} or null
 * @param opPoints how many points the operation has (the acknowledgment waits for that many), or
 *     {@link #SWEPT} for a point changed by a filter operation (whose count the store reports)
 * @param opIndex the point's position in its operation, so an error names the first failing point
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
        PayloadChange payloadChange,
        String opId,
        int opPoints,
        int opIndex) {

    /** {@code opPoints} of a write made by a filter operation: the number of points is not known in advance. */
    public static final int SWEPT = -1;

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
