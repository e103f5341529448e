package dev.sextant.job.protocol;

/**
 * A part of an operation's acknowledgment, counted by {@code AckCollector} (keyed by {@code op_id}).
 *
 * <p>An operation completes when {@code groups} distinct groups have each reported {@code expected} parts: an
 * upsert of N points is one group {@code "points"} of N parts (one per point applied in its index partition);
 * a collection change is one group per acknowledging stage, each of that stage's parallelism. A part with a
 * non-zero {@code code} ends the operation at once with that error.
 *
 * @param count parts carried by this message (1, or 0 for an operation with nothing to apply)
 * @param code 0, or the error's status code
 * @param error the error message when {@code code != 0}
 */
public record AckPart(String opId, String group, int groups, int expected, int count, int code, String error) {

    public static final String POINTS = "points";

    /** One applied point of an operation of {@code opPoints} points. */
    public static AckPart point(String opId, int opPoints) {
        return new AckPart(opId, POINTS, 1, opPoints, 1, 0, null);
    }

    /**
     * One subtask of {@code stage} (of {@code parallelism}) applied an operation that {@code stages} stages
     * acknowledge (for a collection change, {@link CollectionChange#ackStages()}).
     */
    public static AckPart stageApplied(String opId, String stage, int stages, int parallelism) {
        return new AckPart(opId, stage, stages, parallelism, 1, 0, null);
    }

    /** An operation that completes without any part (e.g. an upsert of no points). */
    public static AckPart empty(String opId) {
        return new AckPart(opId, POINTS, 1, 0, 0, 0, null);
    }

    /** A rejected operation. */
    public static AckPart failed(String opId, int code, String error) {
        return new AckPart(opId, "error", 1, 1, 1, code, error);
    }

    public boolean isError() {
        return code != 0;
    }
}
