package dev.sextant.job.protocol;

/**
 * A points-topic record whose envelope has been read, on its way to {@code CollectionCatalog}, keyed by
 * {@code collection}. The body is still the raw record: the catalog parses it (it needs the collection's
 * configuration to validate it).
 *
 * @param op one of the point-topic ops ({@code PointOpSchema.OPS})
 * @param opId the operation's {@code op_id}, or null
 * @param record the original record (for parsing, and for a dead letter)
 */
public record RoutedOperation(String op, String collection, String opId, RawRecord record) {}
