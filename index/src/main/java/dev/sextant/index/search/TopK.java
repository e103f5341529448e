package dev.sextant.index.search;

import dev.sextant.index.PointId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The best {@code k} (id, score) pairs offered so far, in {@link ResultOrder}. Not thread-safe.
 */
final class TopK {
    private final int k;
    private final boolean ascending;
    private final Comparator<ScoredPoint> order;
    /** The worst kept result at the head. */
    private final PriorityQueue<ScoredPoint> heap;

    TopK(int k, boolean ascending) {
        this.k = k;
        this.ascending = ascending;
        this.order = ResultOrder.of(ascending);
        this.heap = new PriorityQueue<>(Math.min(k, 1024) + 1, order.reversed());
    }

    /** Offers one result; kept when it beats the worst of a full set. */
    void offer(PointId id, float score) {
        if (heap.size() >= k) {
            ScoredPoint worst = heap.peek();
            float w = worst.score() + 0.0f;
            float s = score + 0.0f;
            int c = ascending ? Float.compare(s, w) : Float.compare(w, s);
            if (c > 0 || (c == 0 && id.compareTo(worst.id()) >= 0)) {
                return;
            }
            heap.poll();
        }
        heap.add(new ScoredPoint(id, score, null, null));
    }

    int size() {
        return heap.size();
    }

    /** The kept results, best first. */
    List<ScoredPoint> sorted() {
        List<ScoredPoint> out = new ArrayList<>(heap);
        out.sort(order);
        return out;
    }
}
