package dev.sextant.cli;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One message from the result topic that answers something this client sent: an acknowledgment
 * ({@code {"op_id":…,"status":"completed"}}) or a response ({@code {"request_id":…,"code":200,…}}).
 *
 * @param id the op_id or request_id
 * @param body the whole message as received
 * @param latencyNanos from the send call to the moment the client's consumer read the reply, in ns
 */
public record Reply(String id, JsonNode body, long latencyNanos) {

    /**
     * True for a completed acknowledgment or a response with code 200. An acknowledgment's error has the
     * shape {@code "status":{"error":"…"}} and a non-200 {@code code}.
     */
    public boolean ok() {
        JsonNode status = body.get("status");
        if (status != null && status.isObject()) {
            return false;
        }
        JsonNode code = body.get("code");
        if (code != null && code.isNumber()) {
            return code.asInt() == 200;
        }
        return status != null && (status.asText().equals("completed") || status.asText().equals("ok"));
    }

    /** The HTTP-style status code; 200 when the message carries none and is not an error. */
    public int code() {
        JsonNode code = body.get("code");
        if (code != null && code.isNumber()) {
            return code.asInt();
        }
        return ok() ? 200 : 500;
    }

    /** The error message of a failed reply, or {@code null}. */
    public String error() {
        if (ok()) {
            return null;
        }
        JsonNode status = body.get("status");
        if (status != null && status.has("error")) {
            return status.get("error").asText();
        }
        return body.toString();
    }

    /** The request latency in milliseconds. */
    public double latencyMillis() {
        return latencyNanos / 1e6;
    }
}
