package dev.sextant.index.search;

import java.util.List;

/**
 * Something holding vectors stored but not yet linked into an HNSW graph (deferred linking, design §6f): a
 * {@link VectorSpace}, or a {@link CollectionIndex} over its named vectors.
 */
public interface PendingLinks {
    /** Vectors stored but not linked yet. */
    int pending();

    /**
     * Links pending vectors until none is left or {@code budgetNanos} have passed; at least one when any is
     * pending.
     *
     * @return the vectors still pending
     */
    int linkPending(long budgetNanos);

    /**
     * Links the pending vectors of {@code holders} within {@code budgetNanos}, starting at holder
     * {@code turn mod size} and going round: a caller that passes a new turn each time keeps one holder's backlog
     * from taking every budget. The first holder links at least one vector, so every call makes progress.
     *
     * @param turn a counter the caller increments per call
     * @param budgetNanos the time to spend, ns
     * @return the vectors still pending over all holders
     */
    static long linkInTurn(List<? extends PendingLinks> holders, int turn, long budgetNanos) {
        long start = System.nanoTime();
        long left = 0;
        int first = holders.isEmpty() ? 0 : Math.floorMod(turn, holders.size());
        for (int i = 0; i < holders.size(); i++) {
            PendingLinks holder = holders.get((first + i) % holders.size());
            long remaining = budgetNanos - (System.nanoTime() - start);
            left += i == 0 || remaining > 0 ? holder.linkPending(Math.max(0, remaining)) : holder.pending();
        }
        return left;
    }
}
