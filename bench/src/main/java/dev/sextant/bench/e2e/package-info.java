/**
 * The end-to-end benchmark, {@code ./sextant bench} ({@link dev.sextant.bench.e2e.EndToEndBench}): a fresh embedded
 * stack (Kafka broker, Flink MiniCluster, the Sextant job) in this JVM, driven through Kafka by the protocol client.
 * {@link dev.sextant.bench.e2e.RequestKind} builds the request bodies of issue 5, {@link dev.sextant.bench.e2e.Ingest}
 * loads a dataset as the demo does, {@link dev.sextant.bench.e2e.LoadDriver} sends requests at a fixed rate (open
 * loop) or with a fixed number outstanding (closed loop), {@link dev.sextant.bench.e2e.Recall} scores answers against
 * the exact ones, {@link dev.sextant.bench.e2e.Freshness} measures produce → acknowledged / visible while writes and
 * requests run, and {@link dev.sextant.bench.e2e.InProcess} runs the {@code index} module alone on the same data and
 * requests for the end-to-end / in-process ratios. Latencies are HdrHistograms ({@link dev.sextant.bench.e2e.Latency});
 * results go to CSV, JSON, PNG and a markdown fragment for {@code docs/benchmarks.md}. Never run by {@code mvn verify}
 * (only its smoke test is).
 */
package dev.sextant.bench.e2e;
