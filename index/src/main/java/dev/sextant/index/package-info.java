/**
 * Qdrant's data model without Flink: point ids ({@link dev.sextant.index.PointId}, ordered per decision
 * D4), metrics ({@link dev.sextant.index.Distance}: similarity, shown score, order, Cosine
 * normalisation), collection configs, stored points and their validation from upsert JSON
 * ({@link dev.sextant.index.Points}), Qdrant-style errors ({@link dev.sextant.index.QdrantException}) and
 * index tuning ({@link dev.sextant.index.IndexOptions}). The query model lives in {@code query}, payload
 * filters in {@code filter}, payload operations and point selectors ({@code set_payload}, delete by filter, …)
 * in {@code payload}, the per-partition index and the result merge in {@code search}.
 */
package dev.sextant.index;
