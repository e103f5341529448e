/**
 * The Sextant Flink job: {@link dev.sextant.job.SextantJob} wires the dataflow of {@code docs/design.md}
 * (point operations and Qdrant query requests in from Kafka; responses, acknowledgments and dead letters out),
 * {@link dev.sextant.job.SextantOptions} holds every setting, and {@link dev.sextant.job.SextantMain} runs it on
 * a cluster. The operators live in {@code operators}, the messages between them and the topic contract in
 * {@code protocol}, the Kafka wire formats and endpoints in {@code kafka}. Query semantics (parsing,
 * validation, scoring, merge) come from the {@code index} module; this package only moves them through Flink.
 */
package dev.sextant.job;
