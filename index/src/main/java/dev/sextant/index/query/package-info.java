/**
 * The Query API request model and scoring. {@link dev.sextant.index.query.QueryParser} turns a
 * {@code /points/query} (or batch) body into a {@link dev.sextant.index.query.QueryRequest}: the query as
 * written ({@link dev.sextant.index.query.QuerySpec}, whose examples are raw vectors or point ids) and its
 * options. {@code validate} checks it against the collection catalog, {@code exampleIds} lists the
 * points to fetch, and {@code resolve} replaces ids by stored vectors into a self-contained
 * {@link dev.sextant.index.query.ResolvedQuery} that travels to every partition as JSON. Scoring is one
 * record per query kind ({@link dev.sextant.index.query.Nearest},
 * {@link dev.sextant.index.query.RecommendBestScore}, {@link dev.sextant.index.query.RecommendSumScores},
 * {@link dev.sextant.index.query.Discover}, {@link dev.sextant.index.query.Context}) behind the sealed
 * {@link dev.sextant.index.query.Query}; each sees only a {@link dev.sextant.index.query.Similarity} to
 * its examples, never the metric or the storage (conformance README §2).
 */
package dev.sextant.index.query;
