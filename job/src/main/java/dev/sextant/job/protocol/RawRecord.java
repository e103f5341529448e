package dev.sextant.job.protocol;

/**
 * One Kafka record as read from the points or requests topic, untouched: where it came from and its raw key
 * and value bytes (either may be {@code null}). Parsing happens in the operators, so a record that is not
 * even JSON still reaches a place that can dead-letter or answer it.
 *
 * @param timestamp the Kafka record timestamp, ms since the epoch
 */
public record RawRecord(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {

    /** {@code topic-partition-offset}: unique per record, stable across replays after a failover. */
    public String position() {
        return topic + "-" + partition + "-" + offset;
    }

    /** Size of the value in bytes, 0 for a null value. */
    public int valueSize() {
        return value == null ? 0 : value.length;
    }
}
