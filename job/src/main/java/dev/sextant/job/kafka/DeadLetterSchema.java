package dev.sextant.job.kafka;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sextant.job.protocol.Json;
import dev.sextant.job.protocol.RawRecord;
import java.nio.charset.StandardCharsets;

/**
 * The wire format of dead letters (dead-letter topic; key = {@code topic-partition-offset} of the original):
 * <pre>
 * {"reason":"Not found: Collection `c` doesn't exist!","code":404,"op_id":"w7",
 *  "topic":"sextant.points","partition":0,"offset":41,"timestamp":1767225600000,
 *  "record":"{\"op\":\"upsert\",\"collection\":\"c\",...}","record_truncated":false}
 * </pre>
 * {@code record} is the original value as UTF-8 text (invalid bytes replaced), cut to {@link #MAX_RECORD_CHARS}
 * characters; {@code op_id} is present when it could be read.
 */
public final class DeadLetterSchema {
    private DeadLetterSchema() {}

    /** The most characters of the original record a dead letter carries. */
    public static final int MAX_RECORD_CHARS = 64 * 1024;

    /** The original record's text, cut to {@link #MAX_RECORD_CHARS} (null value → null). */
    public static String originalText(byte[] value) {
        if (value == null) {
            return null;
        }
        // Decode at most 4 bytes per char needed; avoids decoding a 16 MiB record to keep 64 Ki chars.
        int bytes = (int) Math.min(value.length, (long) MAX_RECORD_CHARS * 4 + 4);
        String text = new String(value, 0, bytes, StandardCharsets.UTF_8);
        return text.length() > MAX_RECORD_CHARS ? text.substring(0, MAX_RECORD_CHARS) : text;
    }

    /** True when {@link #originalText} does not hold the whole record. */
    static boolean truncated(byte[] value, String text) {
        return value != null && text != null && text.getBytes(StandardCharsets.UTF_8).length < value.length;
    }

    /** A dead letter for a raw record. */
    public static String of(RawRecord record, int code, String reason, String opId) {
        String text = originalText(record.value());
        return of(record.topic(), record.partition(), record.offset(), record.timestamp(), text,
                truncated(record.value(), text), code, reason, opId);
    }

    /** A dead letter from the parts a later stage kept (the text already cut). */
    public static String of(String topic, int partition, long offset, long timestamp, String recordText,
            boolean recordTruncated, int code, String reason, String opId) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("reason", reason);
        o.put("code", code);
        if (opId != null) {
            o.put("op_id", opId);
        }
        o.put("topic", topic);
        o.put("partition", partition);
        o.put("offset", offset);
        if (timestamp >= 0) {
            o.put("timestamp", timestamp);
        }
        o.put("record", recordText);
        o.put("record_truncated", recordTruncated);
        return Json.write(o);
    }

    /** The dead letter's key. */
    public static String key(String topic, int partition, long offset) {
        return topic + "-" + partition + "-" + offset;
    }
}
