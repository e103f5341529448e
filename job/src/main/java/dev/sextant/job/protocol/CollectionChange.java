package dev.sextant.job.protocol;

/**
 * An accepted collection change, broadcast from {@code CollectionCatalog} to every stage that keeps a catalog
 * (the point-op parser, the point store, the request planner and the index partitions).
 *
 * @param opId the originating operation's {@code op_id} or null; every receiving subtask reports an
 *     {@link AckPart} for it
 */
public record CollectionChange(CatalogEntry entry, String opId) {

    public String collection() {
        return entry.collection();
    }
}
