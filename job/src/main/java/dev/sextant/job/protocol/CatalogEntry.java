package dev.sextant.job.protocol;

/**
 * What a stage knows about one collection: its current incarnation and configuration, or that this
 * incarnation was deleted.
 *
 * <p>Incarnations come from {@code CollectionCatalog}, increase over all collections and are never reused, so a
 * point written for incarnation 3 is recognisably stale once the collection is deleted (deleted = true at 3)
 * or re-created (incarnation 5).
 *
 * @param configJson the {@code vectors} JSON of the collection ({@code CollectionConfig.toJson()}); null when
 *     deleted
 */
public record CatalogEntry(String collection, long incarnation, String configJson, boolean deleted) {

    /** True when something stamped with {@code incarnation} is older than this entry's knowledge. */
    public boolean isStale(long incarnation) {
        return incarnation < this.incarnation || (incarnation == this.incarnation && deleted);
    }

    /** True when the collection exists at exactly {@code incarnation}. */
    public boolean isLive(long incarnation) {
        return !deleted && this.incarnation == incarnation;
    }
}
