/**
 * Qdrant's point operations beyond upsert, as immutable values and pure functions: {@code set_payload}
 * ({@link dev.sextant.index.payload.SetPayload}), {@code overwrite_payload}
 * ({@link dev.sextant.index.payload.OverwritePayload}), {@code delete_payload}
 * ({@link dev.sextant.index.payload.DeletePayload}), {@code clear_payload}
 * ({@link dev.sextant.index.payload.ClearPayload}) and the {@link dev.sextant.index.payload.PointSelector} of
 * a delete (ids or a filter). {@link dev.sextant.index.payload.PayloadOperations} parses the REST bodies with
 * Qdrant's errors; each operation's {@code apply} turns one stored point into its next version without
 * touching the input; {@code toJson} writes a body that parses back to an equal operation. Which points an
 * operation reaches is its selector's business: listed ids, or every stored point the filter
 * {@link dev.sextant.index.payload.PointSelector#matches matches}. The semantics are Qdrant v1.19's
 * (documentation "Payload", section "Update payload"; server {@code json_path} set/remove).
 */
package dev.sextant.index.payload;
