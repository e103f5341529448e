package dev.sextant.job.protocol;

/**
 * What every stage of a request carries so that whichever stage finishes it can answer it.
 *
 * @param ticket the internal key of the request: the {@link RawRecord#position()} of its Kafka record, unique
 *     even when clients reuse request ids
 * @param requestId the client's {@code request_id} (or the generated id when it had none), the response key
 * @param replyTo the topic the response goes to ({@code reply_to} or the results topic)
 * @param receivedAtMicros when the request was received (planner), µs since the epoch; the response's
 *     {@code time} and the request deadline count from it
 */
public record RequestRef(String ticket, String requestId, String replyTo, long receivedAtMicros) {

    /** The request deadline in processing-time ms for a timeout of {@code timeoutMs}. */
    public long deadlineMillis(long timeoutMs) {
        return receivedAtMicros / 1000 + timeoutMs;
    }

    /** Seconds from receipt until {@code nowMicros}, as the response's {@code time}. */
    public double elapsedSeconds(long nowMicros) {
        return Math.max(0, nowMicros - receivedAtMicros) / 1e6;
    }
}
