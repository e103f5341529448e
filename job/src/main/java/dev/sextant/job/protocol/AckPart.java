package dev.sextant.job.protocol;

/**
 * A part of an operation's acknowledgment, counted by {@code AckCollector} (keyed by {@code op_id}).
 *
 * <p>An operation completes when {@code groups} distinct groups have each received as many parts as they
 * expect: an upsert of N points is one group {@code "points"} expecting N parts (one per point applied in its
 * index partition); a collection change is one group per acknowledging stage, each expecting that stage's
 * parallelism. A group whose size is only found out on the way (the points a filter operation changes) expects
 * the sum of the {@code raise}s it receives.
 *
 * <p>A part of group {@link #ERROR} ends the operation at once with its error (nothing was applied). Another
 * part with a non-zero {@code code} counts as usual and makes the operation fail once it is complete (some
 * points were applied), with the error of the part of lowest {@code rank}.
 *
 * @param groups how many groups the operation has
 * @param expected the group's expected number of parts (the same on every part of the group), or 0
 * @param raise added to the group's expected number of parts
 * @param count parts carried by this message (1, or 0 for a part that only raises or completes an empty group)
 * @param code 0, or the error's status code
 * @param error the error message when {@code code != 0}
 * @param rank orders errors: the failing part of lowest rank names the operation's error
 */
public record AckPart(
        String opId, String group, int groups, int expected, int raise, int count, int code, String error, int rank) {

    public static final String POINTS = "points";
    public static final String ERROR = "error";
    /** The groups of a filter operation: the store subtasks, and the points they changed. */
    public static final int FILTER_OPERATION_GROUPS = 2;

    /** One applied point of an operation of {@code opPoints} points ({@link PointWrite#SWEPT}: a filter operation). */
    public static AckPart point(String opId, int opPoints) {
        return opPoints == PointWrite.SWEPT
                ? new AckPart(opId, POINTS, FILTER_OPERATION_GROUPS, 0, 0, 1, 0, null, 0)
                : new AckPart(opId, POINTS, 1, opPoints, 0, 1, 0, null, 0);
    }

    /**
     * One point of an operation of {@code opPoints} points ({@link PointWrite#SWEPT}: a filter operation) that could
     * not be applied, e.g. a listed id that names no point; {@code rank} is its position in the operation.
     */
    public static AckPart pointFailed(String opId, int opPoints, int rank, int code, String error) {
        return opPoints == PointWrite.SWEPT
                ? new AckPart(opId, POINTS, FILTER_OPERATION_GROUPS, 0, 0, 1, code, error, rank)
                : new AckPart(opId, POINTS, 1, opPoints, 0, 1, code, error, rank);
    }

    /**
     * One subtask of {@code stage} (of {@code parallelism}) applied an operation that {@code stages} stages
     * acknowledge (for a collection change, {@link CollectionChange#ackStages()}).
     */
    public static AckPart stageApplied(String opId, String stage, int stages, int parallelism) {
        return new AckPart(opId, stage, stages, parallelism, 0, 1, 0, null, 0);
    }

    /**
     * A store subtask changed {@code changed} points for a filter operation: the points group waits for as many
     * more. Sent before that subtask's {@link #stageApplied}, on the same channel.
     */
    public static AckPart pointsChanged(String opId, int changed) {
        return new AckPart(opId, POINTS, FILTER_OPERATION_GROUPS, 0, changed, 0, 0, null, 0);
    }

    /** An operation that completes without any part (e.g. an upsert of no points). */
    public static AckPart empty(String opId) {
        return new AckPart(opId, POINTS, 1, 0, 0, 0, 0, null, 0);
    }

    /** A rejected operation: nothing of it was applied. */
    public static AckPart failed(String opId, int code, String error) {
        return new AckPart(opId, ERROR, 1, 1, 0, 1, code, error, 0);
    }

    /** True for a rejection that ends the operation at once. */
    public boolean rejects() {
        return ERROR.equals(group);
    }
}
