package dev.sextant.job.protocol;

/**
 * One message for Kafka: a response, an acknowledgment or a dead letter. The single sink writes it to
 * {@code topic} (so a request's {@code reply_to} costs nothing) with {@code key} and the UTF-8 JSON text
 * {@code value}.
 */
public record Outbound(String topic, String key, String value) {}
