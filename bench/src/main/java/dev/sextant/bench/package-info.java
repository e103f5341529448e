/**
 * Benchmarks of the {@code index} module, run by hand (never by {@code mvn verify}): JMH micro-benchmarks of
 * the hot paths (scoring kernels, rescoring, filter evaluation, merge) in {@code dev.sextant.bench.jmh}, and
 * {@link dev.sextant.bench.IndexComparison}, which builds Sextant's index, an exact brute-force scan and
 * Lucene's HNSW on the same vectors and reports build rate, queries per second and recall@10 per {@code hnsw_ef}
 * and per query kind. {@code docs/benchmarks.md} holds the commands and the figures.
 */
package dev.sextant.bench;
