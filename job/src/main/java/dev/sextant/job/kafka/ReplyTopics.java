package dev.sextant.job.kafka;

import java.io.Serializable;

/**
 * Whether a request's {@code reply_to} topic may be written to. Checked before a request is planned, because
 * the Kafka sink fails the whole job (not just the record) when it writes to a topic that does not exist on a
 * broker that does not create topics on demand.
 *
 * <p>Called on one operator thread; implementations need not be thread-safe but must be serializable (they
 * travel with the operator).
 */
public interface ReplyTopics extends Serializable {

    /** Every topic is acceptable (tests with injected endpoints). */
    ReplyTopics ANY = topic -> true;

    /** True when responses may be written to {@code topic}. */
    boolean exists(String topic);

    /** Releases resources (an admin client); called when the operator closes. */
    default void close() {}
}
