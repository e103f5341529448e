/**
 * JMH micro-benchmarks of the index's hot paths, one class per path: {@link dev.sextant.bench.jmh.ScoringBenchmark}
 * (the exact similarity kernels and jvector's graph score functions per metric and dimension),
 * {@link dev.sextant.bench.jmh.LuceneKernelBenchmark} (Lucene's kernels on the same data, for comparison),
 * {@link dev.sextant.bench.jmh.RescoreBenchmark} (exact rescoring of graph candidates with the Qdrant formula),
 * {@link dev.sextant.bench.jmh.FilterBenchmark} (filter evaluation over payloads) and
 * {@link dev.sextant.bench.jmh.MergeBenchmark} (merging the partitions' partial top-k lists). Defaults are short
 * (one fork, 3 × 1 s warm-up, 5 × 1 s measurement) because the machine is shared; run with
 * {@code java -jar bench/target/benchmarks.jar} (docs/benchmarks.md).
 */
package dev.sextant.bench.jmh;
