/**
 * The per-partition index and the result merge (design decision 7). A
 * {@link dev.sextant.index.search.CollectionIndex} holds one collection's points in one partition and one
 * {@link dev.sextant.index.search.VectorSpace} (exact scan below a size, jvector HNSW above) per named
 * vector; a {@code SearchPlan} picks an exact scan or graph candidates per query kind and rescores every
 * candidate exactly. Every partition returns its best {@code offset + limit} results in
 * {@link dev.sextant.index.search.ResultOrder} (score, then id: decision D4), and
 * {@link dev.sextant.index.search.ResultMerge} merges the partials, skips {@code offset} and keeps
 * {@code limit}. A {@code CollectionIndex} serialises its vector spaces (ids, tombstones, vectors, graphs) with
 * {@code snapshot()} and is restored from those bytes and its current points without rebuilding the graphs.
 */
package dev.sextant.index.search;
