package dev.sextant.index.query;

/**
 * Qdrant's {@code lookup_from}: id examples are read from {@code collection}, vector {@code vector}
 * (conformance README §3.3).
 *
 * @param collection the collection to read id examples from
 * @param vector the vector name to read, or {@code null} for the request's {@code using}
 */
public record LookupFrom(String collection, String vector) {}
