package dev.sextant.job.protocol;

/**
 * An accepted collection change, broadcast from {@code CollectionCatalog} to the request planner and the index
 * partitions (a deletion also reaches the point store, as a {@link CollectionSweep} in order with the writes).
 *
 * @param opId the originating operation's {@code op_id} or null; every receiving subtask reports an
 *     {@link AckPart} for it
 */
public record CollectionChange(CatalogEntry entry, String opId) {

    /** The stages that acknowledge a creation: the planner and the partitions. */
    public static final int CREATE_ACK_STAGES = 2;
    /** The stages that acknowledge a deletion: the planner, the partitions and the point store. */
    public static final int DELETE_ACK_STAGES = 3;

    public String collection() {
        return entry.collection();
    }

    /** How many stages acknowledge this change (each with one part per subtask). */
    public int ackStages() {
        return entry.deleted() ? DELETE_ACK_STAGES : CREATE_ACK_STAGES;
    }
}
