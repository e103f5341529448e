package dev.sextant.job.protocol;

/**
 * A payload operation to apply to one stored point, as Qdrant's operation name and REST body (read with the
 * {@code index} module's {@code PayloadOperations.parse}). The body's selector is emptied ({@code "points": []}):
 * the message it travels in says which point it is for.
 *
 * @param operation {@code set_payload}, {@code overwrite_payload}, {@code delete_payload} or {@code clear_payload}
 * @param bodyJson the operation's body ({@code PayloadOperation.toJson()}), selector emptied
 */
public record PayloadChange(String operation, String bodyJson) {}
