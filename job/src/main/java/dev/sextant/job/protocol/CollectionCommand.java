package dev.sextant.job.protocol;

/**
 * A {@code create_collection} or {@code delete_collection} operation on its way to the single
 * {@code CollectionCatalog}, which accepts or rejects it.
 *
 * @param create true for create, false for delete
 * @param configJson the validated {@code vectors} JSON (create only)
 * @param opId the operation's {@code op_id}, or null
 * @param source the original record, for a dead letter if the catalog rejects the operation
 */
public record CollectionCommand(boolean create, String collection, String configJson, String opId, RawRecord source) {}
