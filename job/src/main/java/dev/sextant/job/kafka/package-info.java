/**
 * Serialization, kept apart from transport: one class per message family on the wire —
 * {@link dev.sextant.job.kafka.PointOpSchema} (points topic), {@link dev.sextant.job.kafka.RequestSchema}
 * (requests topic), {@link dev.sextant.job.kafka.ResponseSchema}, {@link dev.sextant.job.kafka.AckSchema} and
 * {@link dev.sextant.job.kafka.DeadLetterSchema} (outputs) — plus the Kafka record (de)serialisers
 * ({@link dev.sextant.job.kafka.RawRecordSchema}, {@link dev.sextant.job.kafka.OutboundSchema}) and the sources
 * and sink built from options ({@link dev.sextant.job.kafka.KafkaEndpoints}). All formats are tested without a
 * broker.
 */
package dev.sextant.job.kafka;
