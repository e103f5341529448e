package dev.sextant.job.protocol;

/**
 * An operation on every stored point of a collection that a filter admits (a delete or payload operation by
 * {@code filter}), or on all of them (a collection deletion), sent to {@code PointStore} through its keyed input
 * rather than a broadcast, so that it stays in order with the writes the catalog emitted before and after it.
 *
 * <p>The catalog emits one copy per key group, each under a key of that key group ({@code storeKey}); every
 * store subtask receives the copies of the key groups it owns, all after the earlier writes of the same
 * catalog subtask, and acts on the copy of its first key group only.
 *
 * @param storeKey the routing key of this copy (a key of key group {@code keyGroup}, never a point's key)
 * @param keyGroup the key group this copy is addressed to
 * @param incarnation the incarnation the operation applies to; points of other incarnations are left alone
 *     (older ones are already gone, newer ones cannot exist yet)
 * @param configJson the collection's {@code vectors} JSON, for the writes a sweep passes on
 * @param operation {@code delete_collection}, {@code delete}, or a payload operation ({@code set_payload},
 *     {@code overwrite_payload}, {@code delete_payload}, {@code clear_payload})
 * @param bodyJson the operation's Qdrant body with its {@code filter} (null for {@code delete_collection})
 * @param opId the operation's {@code op_id}, or null
 */
public record CollectionSweep(
        String storeKey,
        int keyGroup,
        String collection,
        long incarnation,
        String configJson,
        String operation,
        String bodyJson,
        String opId) {

    public static final String DELETE_COLLECTION = "delete_collection";
    public static final String DELETE = "delete";

    /** True for a collection deletion (every point of the incarnation goes). */
    public boolean dropsCollection() {
        return DELETE_COLLECTION.equals(operation);
    }
}
