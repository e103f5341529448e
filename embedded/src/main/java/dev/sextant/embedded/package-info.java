/**
 * A single-node Apache Kafka 4 broker run inside the current JVM, for integration tests and for
 * {@code ./sextant up|demo}. {@link dev.sextant.embedded.EmbeddedKafka} formats a log directory (KRaft, combined
 * broker + controller mode, no ZooKeeper, no Docker) and starts {@code KafkaRaftServer} on localhost; the
 * directory can be reused so that topics and records survive a restart.
 */
package dev.sextant.embedded;
