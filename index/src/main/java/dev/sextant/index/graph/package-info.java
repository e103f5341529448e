/**
 * The jvector side of a vector space. {@link dev.sextant.index.graph.OrdinalMap} turns point ids into the dense
 * int ordinals a graph is built over and tracks which ordinals are live, tombstoned (replaced or deleted, still
 * routed through) or free (reusable only after a repair). {@link dev.sextant.index.graph.VectorStore} holds the
 * vectors by ordinal as jvector's {@code RandomAccessVectorValues}. {@link dev.sextant.index.graph.MetricScoreProvider}
 * turns a Qdrant distance into the positive, monotone score jvector builds and searches with (jvector drops
 * negative scores), linking Dot spaces on a sphere where inner-product search is nearest-neighbour search.
 * {@link dev.sextant.index.graph.HnswGraph} wraps the builder, the searcher, the batched tombstone repair and the
 * graph's bytes. {@link dev.sextant.index.graph.Vectorization} reports which SIMD provider jvector uses.
 * {@code dev.sextant.index.search.VectorSpace} combines them with exact scans and is the only entry point the
 * rest of the index uses. Everything here is owned by one thread.
 */
package dev.sextant.index.graph;
