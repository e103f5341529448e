package dev.sextant.job.protocol;

/**
 * One index subtask's answer to a request, for all partitions it owns (possibly none), keyed by ticket to
 * {@code MergeTopK}, which waits for {@code subtasks} of them.
 *
 * @param subtasks the parallelism of the index operator: the number of partials the request gets
 * @param hits per search, the subtask's best {@code offset + limit} hits in result order
 * @param offsets per search, the request's {@code offset}
 * @param limits per search, the request's {@code limit}
 * @param ascending per search, true when scores are distances shown smallest first
 * @param errorCode 0, or the status code of a failure while searching (the request is then answered with it)
 * @param error the failure's message when {@code errorCode != 0}
 */
public record PartialResult(
        RequestRef ref,
        boolean batch,
        int subtasks,
        Hit[][] hits,
        int[] offsets,
        int[] limits,
        boolean[] ascending,
        int errorCode,
        String error) {}
