package dev.sextant.index.search;

import dev.sextant.index.Distance;
import dev.sextant.index.IndexOptions;
import dev.sextant.index.PointId;
import dev.sextant.index.VectorParams;
import dev.sextant.index.graph.HnswGraph;
import dev.sextant.index.graph.OrdinalMap;
import dev.sextant.index.graph.VectorStore;
import dev.sextant.index.graph.Vectorization;
import io.github.jbellis.jvector.util.Bits;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * The vectors of one named vector space of one collection in one partition, and the ANN index over them.
 *
 * <p><b>Modes.</b> While fewer than T = {@link IndexOptions#exactScanBelow()} vectors are live, searches are
 * exact scans. The jvector HNSW graph is created, empty, when half of T are live; from then on every put is
 * linked into it at once, and each put or remove also links {@value #CATCH_UP_PER_UPDATE} of the vectors that
 * were there before (the "pending" ones), so the graph has caught up by about ¾ T without any put paying for
 * the whole build (linking 4,096 384-d vectors at once takes 2–5 s on one core). Searches use the graph once
 * T vectors are live (should updates outpace the catch-up, reaching T links the rest at once; with deferred
 * linking, those beyond its bound) and at most half of them are pending (see deferred linking below). The graph is dropped when the live count falls below a
 * quarter of T, so a space hovering around a threshold does not rebuild repeatedly.
 *
 * <p><b>Deferred linking</b> ({@link IndexOptions#withDeferredLinking}, what the Flink job uses). A put into a
 * space that has a graph only stores the vector and marks it pending; the owner links pending vectors when it has
 * time ({@link #linkPending}). A search at or above T searches the graph and scans the pending vectors exactly, and
 * merges the two, so a point is found by the first search after its put (freshness) while the graph work of a
 * burst of writes is spread over the owner's idle moments. A put that would leave more than
 * {@link IndexOptions#maxPending()} vectors pending links the excess itself, which bounds the scan beside each
 * graph search and slows a writer that outpaces the linking to its pace.
 *
 * <p><b>Exactness.</b> Every candidate the graph returns is rescored with {@link Distance#similarity} and
 * results are ordered by that similarity, descending, ties by {@link PointId} order (decision D4): returned
 * similarities are exact, only the candidate set is approximate (design.md decision 7).
 *
 * <p><b>Updates.</b> Graph nodes are ordinals ({@link OrdinalMap}). Replacing a point's vector tombstones its
 * old node and links a new one; deleting tombstones it. Re-putting an identical vector (a payload-only update)
 * touches nothing. Tombstones are never returned. Once they exceed {@link IndexOptions#repairFraction()} of
 * the graph's nodes a repair is due ({@link #repairDue()}): O(graph) work (every node of every layer is
 * visited, relinked neighbourhoods are rescored), amortised over repairFraction × nodes deletions, and seconds
 * on a large graph. With the default options the put or remove that crossed the line runs it inline; with
 * {@link IndexOptions#withScheduledRepair} the owner runs {@link #repair()} when it has an idle moment (a
 * timer), and only the put or remove that crosses {@link IndexOptions#repairCeiling()} still repairs inline,
 * which bounds the memory tombstones hold. Ordinals are reused only after a repair.
 *
 * <p><b>Filters.</b> {@code accept} is pushed into the graph search (jvector filters results, and still routes
 * through rejected nodes, so a selective filter makes it visit far more nodes). A sample of 64 live points
 * estimates the fraction the filter admits and what one filter test costs; when a scan over the admitted
 * points is expected to be cheaper than the graph search, it is used instead (it is also exact). When the
 * graph search returns fewer than {@code k} points although more live points exist, the result comes from an
 * exact scan as well, so a page is never short.
 *
 * <p>Vectors are stored as given (the caller has already normalised Cosine vectors); arrays handed in or out
 * are shared, never copied: callers must not modify them. Not thread-safe: one Flink subtask thread owns an
 * instance (inserts, deletes, searches and repairs are serialised by the mailbox); it starts no threads of
 * its own (a repair borrows jvector's shared pools while the owner waits).
 */
public final class VectorSpace implements PendingLinks {
    private static final Logger LOG = Logger.getLogger(VectorSpace.class.getName());

    /** Best first: similarity descending, ties by point id ascending (decision D4). */
    public static final Comparator<Candidate> ORDER = (a, b) -> {
        int c = Float.compare(b.similarity(), a.similarity());
        return c != 0 ? c : a.id().compareTo(b.id());
    };

    /** Live points sampled to estimate a filter's selectivity. */
    static final int SELECTIVITY_SAMPLE = 64;
    /** Sampled filter tests timed together. */
    private static final int SAMPLE_CHUNK = 16;

    /**
     * Cost model of a filtered graph search, fitted on the Debian MiniLM set (20k points, M = 32, efConstruction
     * 200, beam 100): to collect {@code beam} admitted results the search scores about
     * {@code 17 · beam · p^-0.7} nodes when the filter admits a fraction p (2,908 at p = 0.5, 5,481 at 0.2,
     * 8,514 at 0.1, 12,196 at 0.05, 17,339 at 0.02, the whole graph at 0.01), and tests the filter on about
     * one node in 14 of those (the expanded ones).
     */
    static final double GRAPH_VISITS_PER_BEAM = 17;
    static final double GRAPH_VISITS_EXPONENT = 0.7;
    static final double GRAPH_VISITS_PER_FILTER_TEST = 14;

    /** Pending vectors linked into a catching-up graph per put or remove, on top of the change itself. */
    static final int CATCH_UP_PER_UPDATE = 2;

    /** Dot: the graph is rebuilt once this share of its nodes are longer than its Φ (see MetricScoreProvider). */
    static final double CLAMPED_REBUILD_FRACTION = 0.1;

    private final VectorParams params;
    private final IndexOptions options;
    private final OrdinalMap ordinals;
    private final VectorStore vectors;
    private HnswGraph graph;
    /** Live ordinals not yet linked into the graph (the graph is catching up). */
    private final BitSet pending = new BitSet();
    private int pendingCount;
    /** Puts that changed a vector and removes of a present one, since this instance was created. */
    private long changes;

    /**
     * An empty vector space.
     *
     * @param params the dimension and metric of every vector
     * @param options graph shape, scan threshold, search beam and repair policy
     */
    public VectorSpace(VectorParams params, IndexOptions options) {
        this(params, options, new OrdinalMap(), new VectorStore(params.size()), null);
        adjustMode();
    }

    private VectorSpace(VectorParams params, IndexOptions options, OrdinalMap ordinals, VectorStore vectors,
            HnswGraph graph) {
        this.params = Objects.requireNonNull(params, "params");
        this.options = Objects.requireNonNull(options, "options");
        this.ordinals = ordinals;
        this.vectors = vectors;
        this.graph = graph;
    }

    public VectorParams params() {
        return params;
    }

    public IndexOptions options() {
        return options;
    }

    /**
     * Inserts or replaces the vector of {@code id}.
     *
     * @param vector of length {@code params().size()}, preprocessed (normalised for Cosine); kept, not copied
     * @throws IllegalArgumentException when the dimension is wrong
     */
    public void put(PointId id, float[] vector) {
        Objects.requireNonNull(id, "id");
        checkDimension(vector);
        int old = ordinals.ordinalOf(id);
        if (old >= 0) {
            float[] current = vectors.array(old);
            if (current == vector || Arrays.equals(current, vector)) {
                // same vector (e.g. a payload-only update): the graph node stays valid
                vectors.set(old, vector);
                return;
            }
            retire(old);
        }
        int ord = ordinals.assign(id);
        vectors.set(ord, vector);
        if (graph != null) {
            if (options.linkingDeferred()) {
                pending.set(ord);
                pendingCount++;
            } else {
                graph.add(ord);
            }
        }
        changes++;
        afterChange();
    }

    /** Removes the vector of {@code id}; no-op when absent. */
    public void remove(PointId id) {
        int ord = ordinals.ordinalOf(id);
        if (ord < 0) {
            return;
        }
        retire(ord);
        changes++;
        afterChange();
    }

    /** The stored vector, or {@code null}. */
    public float[] get(PointId id) {
        int ord = ordinals.ordinalOf(id);
        return ord < 0 ? null : vectors.array(ord);
    }

    /** Number of live vectors. */
    public int size() {
        return ordinals.liveCount();
    }

    /** Visits every live vector (for exact scans), in ordinal order; the visitor must not modify this space. */
    public void forEach(BiConsumer<PointId, float[]> visitor) {
        for (int ord = ordinals.nextLive(0); ord >= 0; ord = ordinals.nextLive(ord + 1)) {
            visitor.accept(ordinals.idOf(ord), vectors.array(ord));
        }
    }

    /**
     * The predicate that admits every point. Passed to {@link #nearest} it also skips the selectivity estimate
     * and the test of every visited node (an unfiltered search spent about a tenth of its time there).
     */
    public static final Predicate<PointId> ALL = id -> true;

    /**
     * Up to {@code k} candidates most similar to {@code query} under the space's metric among the ids that
     * {@code accept} admits, best first (similarity descending, ties by id), each with its exact similarity
     * ({@link Distance#similarity}).
     *
     * @param query a vector of dimension {@code params().size()}, preprocessed like stored vectors
     * @param k the number of candidates wanted; ≤ 0 gives an empty list
     * @param ef the search beam (HNSW ef); the effective beam is {@code max(ef, k)}; ignored by an exact scan
     * @param accept admits point ids; called on the owner thread, possibly several times per id
     * @throws IllegalArgumentException when the query's dimension is wrong
     */
    public List<Candidate> nearest(float[] query, int k, int ef, Predicate<PointId> accept) {
        checkDimension(query);
        int live = ordinals.liveCount();
        if (k <= 0 || live == 0) {
            return new ArrayList<>();
        }
        // the graph's share must be worth a search: at most half of the live vectors pending
        if (graph == null || live < options.exactScanBelow() || pendingCount * 2L > live) {
            return exactScan(query, k, accept);
        }
        int beam = Math.max(ef, k);
        if (accept != ALL && scanIsCheaper(accept, live, beam)) {
            return exactScan(query, k, accept);
        }
        List<Candidate> found = graphSearch(query, k, beam, accept);
        if (pendingCount > 0) {
            found = best(found, scanPending(query, k, accept), k);
        }
        if (found.size() < k && found.size() < live) {
            // short page: a selective filter or a poorly connected corner; the scan is exact and complete
            return exactScan(query, k, accept);
        }
        return found;
    }

    /**
     * Puts that changed a vector (a new point or a new vector for a point) and removes of a present point since
     * this instance was created or restored: what a {@link #snapshot()} taken earlier lacks. An identical
     * vector put again (a payload-only update) does not count.
     */
    public long changes() {
        return changes;
    }

    /** Live vectors not yet linked into the graph (searched by an exact scan beside the graph search). */
    @Override
    public int pending() {
        return pendingCount;
    }

    /**
     * Links pending vectors into the graph, smallest ordinal first, until none is left or {@code budgetNanos}
     * have passed; at least one is linked when any is pending (an insert costs about 0.5–2 ms of one core at
     * 384-d with the default options). The owner calls it from a timer when linking is deferred
     * ({@link IndexOptions#withDeferredLinking}).
     *
     * @param budgetNanos the time to spend, ns (checked after each link)
     * @return the vectors still pending
     */
    @Override
    public int linkPending(long budgetNanos) {
        if (graph == null || pendingCount == 0) {
            return pendingCount;
        }
        link(Integer.MAX_VALUE, budgetNanos);
        adjustMode();
        return pendingCount;
    }

    /** Whether tombstones exceed {@link IndexOptions#repairFraction()} of the graph's nodes. */
    public boolean repairDue() {
        return graph != null && graph.deletedCount() > 0
                && graph.deletedCount() > options.repairFraction() * graph.nodeCount();
    }

    /** Removes all tombstones from the graph now (see the class comment for the cost); no-op without any. */
    public void repair() {
        if (graph == null || graph.deletedCount() == 0) {
            return;
        }
        long start = System.nanoTime();
        int nodes = graph.nodeCount();
        graph.repair();
        int[] released = ordinals.releaseTombstones();
        for (int ord : released) {
            vectors.clear(ord);
        }
        // a repair blocks the owner for seconds on large graphs: worth a line in the log
        LOG.info(String.format("removed %d tombstones from a %d-node graph (dim %d, %s) in %d ms", released.length,
                nodes, params.size(), params.distance().qdrantName(), (System.nanoTime() - start) / 1_000_000));
    }

    /** Counters for monitoring and tests. */
    public Stats stats() {
        return new Stats(ordinals.liveCount(), ordinals.tombstoneCount(), graph != null, pendingCount,
                graph == null ? 0 : graph.nodeCount(), graph == null ? 0 : graph.layers(),
                graph == null ? 0 : graph.ramBytesUsed(), ordinals.upperBound());
    }

    /** The live ordinal of {@code id} or −1 (for tests of ordinal reuse). */
    int ordinalOf(PointId id) {
        return ordinals.ordinalOf(id);
    }

    // ---- search ------------------------------------------------------------------------------------

    private List<Candidate> graphSearch(float[] query, int k, int beam, Predicate<PointId> accept) {
        // the graph never returns its tombstones, and only tombstones lack an id
        Bits admitted = accept == ALL ? Bits.ALL : ord -> {
            PointId id = ordinals.idOf(ord);
            return id != null && accept.test(id);
        };
        int[] found = graph.search(query, beam, admitted);
        Distance distance = params.distance();
        List<Candidate> candidates = new ArrayList<>(found.length);
        for (int ord : found) {
            PointId id = ordinals.idOf(ord);
            if (id != null) {
                candidates.add(new Candidate(id, distance.similarity(query, vectors.array(ord))));
            }
        }
        candidates.sort(ORDER);
        return candidates.size() > k ? new ArrayList<>(candidates.subList(0, k)) : candidates;
    }

    /** The best {@code k} of the pending vectors that {@code accept} admits, best first, exactly scored. */
    private List<Candidate> scanPending(float[] query, int k, Predicate<PointId> accept) {
        Distance distance = params.distance();
        PriorityQueue<Candidate> best = new PriorityQueue<>(Math.min(k, pendingCount) + 1, ORDER.reversed());
        for (int ord = pending.nextSetBit(0); ord >= 0; ord = pending.nextSetBit(ord + 1)) {
            PointId id = ordinals.idOf(ord);
            if (accept != ALL && !accept.test(id)) {
                continue;
            }
            offer(best, k, id, distance.similarity(query, vectors.array(ord)));
        }
        List<Candidate> out = new ArrayList<>(best);
        out.sort(ORDER);
        return out;
    }

    /** The best {@code k} of two disjoint candidate lists, best first. */
    private static List<Candidate> best(List<Candidate> a, List<Candidate> b, int k) {
        List<Candidate> all = new ArrayList<>(a.size() + b.size());
        all.addAll(a);
        all.addAll(b);
        all.sort(ORDER);
        return all.size() > k ? new ArrayList<>(all.subList(0, k)) : all;
    }

    /** Keeps {@code (id, similarity)} among the best {@code k} of {@code best} (a heap with the worst at its head). */
    private static void offer(PriorityQueue<Candidate> best, int k, PointId id, float similarity) {
        if (best.size() < k) {
            best.add(new Candidate(id, similarity));
            return;
        }
        // most scanned points lose to the worst kept one on the score alone: no candidate for them
        if (Float.compare(similarity, best.peek().similarity()) < 0) {
            return;
        }
        Candidate candidate = new Candidate(id, similarity);
        if (ORDER.compare(candidate, best.peek()) < 0) {
            best.poll();
            best.add(candidate);
        }
    }

    private List<Candidate> exactScan(float[] query, int k, Predicate<PointId> accept) {
        Distance distance = params.distance();
        // worst of the best k at the head
        PriorityQueue<Candidate> best = new PriorityQueue<>(Math.min(k, ordinals.liveCount()) + 1, ORDER.reversed());
        for (int ord = ordinals.nextLive(0); ord >= 0; ord = ordinals.nextLive(ord + 1)) {
            PointId id = ordinals.idOf(ord);
            if (!accept.test(id)) {
                continue;
            }
            offer(best, k, id, distance.similarity(query, vectors.array(ord)));
        }
        List<Candidate> out = new ArrayList<>(best);
        out.sort(ORDER);
        return out;
    }

    /**
     * Whether an exact scan over the admitted points is expected to cost less than a graph search, from the
     * fraction p of a small sample of live points that {@code accept} admits and the time the filter took on
     * them. A scan costs one filter test per live point plus one similarity per admitted point; a graph search
     * costs one similarity per visited node (see {@link #GRAPH_VISITS_PER_BEAM}) and a filter test per expanded
     * node, and never more than visiting the whole graph. So a filter that admits almost nothing scans, no
     * filter searches the graph, and in between the filter's own cost decides (a cheap filter favours the scan).
     */
    private boolean scanIsCheaper(Predicate<PointId> accept, int live, int beam) {
        int[] sample = sampleOrdinals(live);
        int admitted = 0;
        // timed in chunks, keeping the fastest: a chunk the thread was preempted in says nothing of the filter
        double filterNanos = Double.MAX_VALUE;
        for (int from = 0; from < sample.length; from += SAMPLE_CHUNK) {
            int to = Math.min(sample.length, from + SAMPLE_CHUNK);
            long start = System.nanoTime();
            for (int i = from; i < to; i++) {
                if (accept.test(ordinals.idOf(sample[i]))) {
                    admitted++;
                }
            }
            filterNanos = Math.min(filterNanos, (System.nanoTime() - start) / (double) (to - from));
        }
        filterNanos = Math.max(1.0, filterNanos);
        double similarityNanos = Vectorization.similarityNanos(params.size());
        double p = admitted / (double) sample.length;
        double scanCost = live * filterNanos + p * live * similarityNanos;
        double visits = p == 0 ? live
                : Math.min(live, GRAPH_VISITS_PER_BEAM * beam * Math.pow(p, -GRAPH_VISITS_EXPONENT));
        double graphCost = visits * (similarityNanos + filterNanos / GRAPH_VISITS_PER_FILTER_TEST);
        return scanCost < graphCost;
    }

    /**
     * {@link #SELECTIVITY_SAMPLE} live ordinals (with repeats), drawn with a fixed seed so that the choice is
     * deterministic for a given state, and random rather than evenly spaced so that filters periodic in the
     * point id do not alias with the sample.
     */
    int[] sampleOrdinals(int live) {
        int upper = ordinals.upperBound();
        int samples = Math.min(SELECTIVITY_SAMPLE, live);
        SplittableRandom random = new SplittableRandom(0x5E7A47L);
        int[] sample = new int[samples];
        for (int i = 0; i < samples; i++) {
            int ord = ordinals.nextLive(random.nextInt(upper));
            sample[i] = ord >= 0 ? ord : ordinals.nextLive(0);
        }
        return sample;
    }

    /** The point ids the selectivity estimate looks at (for tests). */
    List<PointId> selectivitySample() {
        List<PointId> out = new ArrayList<>();
        for (int ord : sampleOrdinals(ordinals.liveCount())) {
            out.add(ordinals.idOf(ord));
        }
        return out;
    }

    // ---- updates -----------------------------------------------------------------------------------

    private void retire(int ord) {
        if (graph != null && !pending.get(ord)) {
            ordinals.tombstone(ord);
            graph.markDeleted(ord);
            if (graph.entryIsTombstone()) {
                // the top layer holds only tombstones now: no node may be linked until a repair (HnswGraph)
                repair();
            }
        } else {
            // no graph references it (scan mode, or not yet caught up): reusable at once
            if (pending.get(ord)) {
                pending.clear(ord);
                pendingCount--;
            }
            ordinals.free(ord);
            vectors.clear(ord);
        }
    }

    /**
     * Creates, catches up, rebuilds or drops the graph after a change (see the class comment on modes):
     * <ol>
     * <li>no graph and at least half the threshold live: create an empty graph; every live vector is pending;</li>
     * <li>below a quarter of the threshold: drop the graph (its tombstones become free ordinals);</li>
     * <li>Dot, too many vectors longer than the graph's sphere: drop and create again with a larger Φ;</li>
     * <li>at or above the threshold, link all pending vectors (which only happens when changes outpace the
     *     catch-up of {@link #afterChange()}, or after a restore); with deferred linking, only those beyond
     *     {@link IndexOptions#maxPending()}.</li>
     * </ol>
     */
    private void adjustMode() {
        int live = ordinals.liveCount();
        int threshold = options.exactScanBelow();
        if (graph == null && live >= (threshold + 1) / 2) {
            createGraph();
        } else if (graph != null && (long) live * 4 < threshold) {
            dropGraph();
        } else if (graph != null && graph.clamped() > CLAMPED_REBUILD_FRACTION * graph.nodeCount()) {
            // each rebuild doubles Φ past the longest vector, so vectors that keep growing cause one rebuild
            // per doubling of their length
            dropGraph();
            createGraph();
        }
        if (graph != null && options.linkingDeferred()) {
            // below the threshold the per-update catch-up works through the graph's creation backlog instead
            if (live >= threshold && pendingCount > options.maxPending()) {
                catchUp(pendingCount - options.maxPending());
            }
        } else if (graph != null && pendingCount > 0 && live >= threshold) {
            catchUp(pendingCount);
        }
    }

    /** After a put or remove: create, drop or rebuild the graph as needed, then link a few pending vectors. */
    private void afterChange() {
        adjustMode();
        // deferred linking leaves the links to the owner from the threshold on; below it, this catch-up keeps the
        // backlog of the graph's creation (half the threshold) from landing on one put when the threshold is hit
        if (graph != null && pendingCount > 0
                && (!options.linkingDeferred() || ordinals.liveCount() < options.exactScanBelow())) {
            catchUp(CATCH_UP_PER_UPDATE);
        }
        repairIfDue();
    }

    private void createGraph() {
        float maxSquaredNorm = 0f;
        if (params.distance() == Distance.DOT) {
            for (int ord = ordinals.nextLive(0); ord >= 0; ord = ordinals.nextLive(ord + 1)) {
                maxSquaredNorm = Math.max(maxSquaredNorm, vectors.squaredNorm(ord));
            }
        }
        // Dot: Φ = 2 × the longest vector, so vectors may double in length before they are clamped
        graph = new HnswGraph(params.distance(), vectors, options, 4f * maxSquaredNorm);
        for (int ord = ordinals.nextLive(0); ord >= 0; ord = ordinals.nextLive(ord + 1)) {
            pending.set(ord);
        }
        pendingCount = ordinals.liveCount();
    }

    /** Links up to {@code n} pending vectors, smallest ordinal first. */
    private void catchUp(int n) {
        long start = System.nanoTime();
        int linked = link(n, Long.MAX_VALUE);
        if (linked > CATCH_UP_PER_UPDATE) {
            LOG.info(String.format("linked %d pending vectors (dim %d, %s) in %d ms", linked, params.size(),
                    params.distance().qdrantName(), (System.nanoTime() - start) / 1_000_000));
        }
    }

    /**
     * Links pending vectors, smallest ordinal first: at most {@code max}, and none after {@code budgetNanos} have
     * passed (checked after each link, so at least one is linked when any is pending).
     *
     * @return the vectors linked
     */
    private int link(int max, long budgetNanos) {
        long start = System.nanoTime();
        int linked = 0;
        for (int ord = pending.nextSetBit(0); ord >= 0 && linked < max; ord = pending.nextSetBit(ord + 1)) {
            graph.add(ord);
            pending.clear(ord);
            pendingCount--;
            linked++;
            if (System.nanoTime() - start >= budgetNanos) {
                break;
            }
        }
        return linked;
    }

    private void dropGraph() {
        graph = null;
        pending.clear();
        pendingCount = 0;
        for (int ord : ordinals.releaseTombstones()) {
            vectors.clear(ord);
        }
    }

    /** Repairs inline when due and not left to the owner, or past the ceiling (see the class comment). */
    private void repairIfDue() {
        if (repairDue() && (!options.repairScheduled()
                || graph.deletedCount() > options.repairCeiling() * graph.nodeCount())) {
            repair();
        }
    }

    private void checkDimension(float[] vector) {
        if (vector.length != params.size()) {
            throw new IllegalArgumentException(
                    "vector has dimension " + vector.length + ", expected " + params.size());
        }
    }

    // ---- persistence -------------------------------------------------------------------------------

    private static final int MAGIC = 0x53585653; // "SXVS"
    private static final int VERSION = 1;

    /**
     * The whole space as bytes, self-contained: ordinal map (point ids, tombstones), the vectors of live and
     * tombstoned ordinals (4 bytes per component) and, when a graph exists, its Dot sphere radius and jvector's
     * graph bytes (about 270–400 B per node at M = 32). Runs on the owner thread; linear in the size (no
     * graph cleanup).
     */
    public byte[] snapshot() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(
                    64 + ordinals.upperBound() * (params.size() * 4 + 16));
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeInt(MAGIC);
                out.writeInt(VERSION);
                out.writeInt(params.size());
                out.writeUTF(params.distance().qdrantName());
                ordinals.writeTo(out);
                for (int ord = 0; ord < ordinals.upperBound(); ord++) {
                    if (ordinals.isLive(ord) || ordinals.isTombstone(ord)) {
                        vectors.writeVector(ord, out);
                    }
                }
                byte[] graphBytes = graph == null ? null : graph.save();
                out.writeInt(graphBytes == null ? -1 : graphBytes.length);
                if (graphBytes != null) {
                    out.writeFloat(graph.phiSquared());
                    out.writeInt(graph.clamped());
                    out.write(graphBytes);
                }
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Restores a space written by {@link #snapshot()}. The graph is loaded, not rebuilt, unless it is missing
     * from the bytes, has only its base layer (a loaded flat graph would never grow upper layers again) or
     * disagrees with the ordinal map; then it is rebuilt from the stored vectors (linked at once when the
     * space is at or above the scan threshold, else caught up gradually as usual; with deferred linking, only those
     * beyond {@link IndexOptions#maxPending()} are linked at once). Vectors saved while pending are pending again.
     *
     * @param options the options to continue with (graph degrees come from the bytes)
     * @throws IllegalArgumentException when the bytes are not a snapshot of a space with {@code params}
     */
    public static VectorSpace restore(VectorParams params, IndexOptions options, byte[] snapshot) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
            if (in.readInt() != MAGIC) {
                throw new IllegalArgumentException("not a vector space snapshot");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new IllegalArgumentException("unsupported vector space snapshot version " + version);
            }
            int dim = in.readInt();
            String distance = in.readUTF();
            if (dim != params.size() || !distance.equals(params.distance().qdrantName())) {
                throw new IllegalArgumentException("snapshot of a " + dim + "-d " + distance
                        + " space cannot be restored as a " + params.size() + "-d "
                        + params.distance().qdrantName() + " space");
            }
            OrdinalMap ordinals = OrdinalMap.readFrom(in);
            VectorStore vectors = new VectorStore(dim);
            for (int ord = 0; ord < ordinals.upperBound(); ord++) {
                if (ordinals.isLive(ord) || ordinals.isTombstone(ord)) {
                    vectors.readVector(ord, in);
                }
            }
            int graphLength = in.readInt();
            HnswGraph graph = null;
            if (graphLength >= 0) {
                float phiSquared = in.readFloat();
                int clamped = in.readInt();
                byte[] graphBytes = in.readNBytes(graphLength);
                if (graphBytes.length != graphLength) {
                    throw new IllegalArgumentException("truncated vector space snapshot");
                }
                graph = loadGraph(params, options, ordinals, vectors, phiSquared, clamped, graphBytes);
            }
            VectorSpace space = new VectorSpace(params, options, ordinals, vectors, graph);
            if (graph != null && graph.entryIsTombstone()) {
                // saved with only tombstones on its top layer: repaired before anything is linked (HnswGraph)
                space.repair();
            }
            if (graph == null) {
                // no usable graph references the tombstones any more
                for (int ord : ordinals.releaseTombstones()) {
                    vectors.clear(ord);
                }
            } else {
                // live vectors the graph had not caught up with when it was saved
                for (int ord = ordinals.nextLive(0); ord >= 0; ord = ordinals.nextLive(ord + 1)) {
                    if (!graph.contains(ord)) {
                        space.pending.set(ord);
                        space.pendingCount++;
                    }
                }
            }
            space.adjustMode();
            return space;
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt vector space snapshot: " + e.getMessage(), e);
        }
    }

    /**
     * The saved graph with its tombstones re-marked, or {@code null} when it must be rebuilt: when a node is
     * neither live nor a tombstone or a tombstone is not a node (a corrupt snapshot), or when the graph has only
     * its base layer (jvector would never grow upper layers on it again).
     */
    private static HnswGraph loadGraph(VectorParams params, IndexOptions options, OrdinalMap ordinals,
            VectorStore vectors, float phiSquared, int clamped, byte[] graphBytes) throws IOException {
        HnswGraph graph = HnswGraph.load(params.distance(), vectors, options, phiSquared, clamped, graphBytes);
        int[] nodes = graph.nodes();
        boolean consistent = true;
        for (int i = 0; consistent && i < nodes.length; i++) {
            consistent = ordinals.isLive(nodes[i]) || ordinals.isTombstone(nodes[i]);
        }
        for (int ord = ordinals.nextTombstone(0); consistent && ord >= 0; ord = ordinals.nextTombstone(ord + 1)) {
            consistent = graph.contains(ord);
        }
        if (!consistent) {
            LOG.warning("graph in snapshot disagrees with its ordinal map; rebuilding from the vectors");
            return null;
        }
        // an empty graph too: jvector's builder never adds upper layers to a loaded graph (with deferred linking a
        // snapshot can catch a graph just created, every vector still pending)
        if (graph.layers() == 1) {
            return null;
        }
        for (int ord = ordinals.nextTombstone(0); ord >= 0; ord = ordinals.nextTombstone(ord + 1)) {
            graph.markDeleted(ord);
        }
        return graph;
    }

    /** A point id with its exact similarity to a query. */
    public record Candidate(PointId id, float similarity) {}

    /**
     * Counters of a vector space.
     *
     * @param live live vectors ({@link #size()})
     * @param tombstones replaced or deleted vectors still in the graph
     * @param graph whether a graph exists (false: exact scans only)
     * @param pending live vectors not yet linked into the graph (searches scan them beside the graph)
     * @param graphNodes graph nodes, tombstones included
     * @param graphLayers graph layers (1 = base layer only)
     * @param graphBytes jvector's estimate of the graph's heap, bytes, vectors excluded
     * @param ordinalUpperBound one past the largest ordinal in use or free
     */
    public record Stats(int live, int tombstones, boolean graph, int pending, int graphNodes, int graphLayers,
            long graphBytes, int ordinalUpperBound) {}
}
