package dev.sextant.job.operators;

/**
 * A collection's serialised vector spaces in one partition, as {@link IndexPartition} keeps them in keyed state
 * (design §6d).
 *
 * @param incarnation the collection incarnation the bytes belong to; a blob of another incarnation is never
 *     loaded
 * @param snapshot {@link dev.sextant.index.search.CollectionIndex#snapshot()}: point ids, tombstones, vectors
 *     and jvector graphs, checksummed
 */
public record GraphBlob(long incarnation, byte[] snapshot) {}
