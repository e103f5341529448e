package dev.sextant.job.kafka;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sextant.job.protocol.Json;

/**
 * The wire format of operation acknowledgments (results topic; key = {@code op_id}):
 * <pre>
 * {"op_id":"load-1","status":"completed"}
 * {"op_id":"load-2","status":{"error":"Wrong input: Vector dimension error: expected dim: 4, got 3"},"code":400}
 * </pre>
 */
public final class AckSchema {
    private AckSchema() {}

    public static String completed(String opId) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("op_id", opId);
        o.put("status", "completed");
        return Json.write(o);
    }

    public static String failed(String opId, int code, String message) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("op_id", opId);
        o.putObject("status").put("error", message);
        o.put("code", code);
        return Json.write(o);
    }
}
