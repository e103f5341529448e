package dev.sextant.index;

/**
 * Tuning of a partition's index. One record instead of a row of constructors; start from
 * {@link #defaults()} and change what you need with the {@code with…} methods.
 *
 * @param exactScanBelow a vector space with fewer live vectors than this is searched by an exact scan
 *     (no graph is built until it reaches this size)
 * @param m jvector's maximum out-degree per node (jvector M = 32 is about HNSW m = 16)
 * @param efConstruction the construction beam width (HNSW efConstruction). The default, 200, is what reaches
 *     recall@10 ≥ 0.98 at the default ef on real 384-d text embeddings (0.988 on the Debian MiniLM set at 20k
 *     points; 100 gave 0.973, 150 gave 0.983); it costs about 1.6× the insert time of 100 and almost no search time
 * @param defaultEf the search beam (HNSW ef) when a request gives no {@code params.hnsw_ef}; the effective
 *     beam is never below the number of results wanted
 * @param neighborOverflow how far a node's degree may exceed M between cleanups (≥ 1.0)
 * @param alpha the diversity slack of the neighbour selection (Vamana alpha; 1.2 suits dim ≥ 100)
 * @param repairFraction a repair (removing tombstones from the graph) is due once tombstones exceed this
 *     fraction of the graph's nodes ({@code VectorSpace.repairDue()})
 * @param repairCeiling the put or remove that takes tombstones past this fraction of the graph's nodes repairs
 *     at once, whatever the owner has scheduled: it bounds the memory tombstones hold. Equal to
 *     {@code repairFraction} (the default), every due repair runs inline; above it, the owner schedules repairs
 *     in between ({@link #withScheduledRepair}). At least {@code repairFraction}.
 * @param maxPending 0 (the default): a put links its vector into the graph at once. Above 0, a put into a space
 *     that has a graph only stores the vector; it is searchable at once (searches scan the not yet linked
 *     vectors exactly beside the graph search) and the owner links it later ({@code VectorSpace.linkPending},
 *     from a timer). A put that would leave more than this many vectors unlinked links the excess itself, so
 *     the scan beside each graph search stays bounded and a writer faster than the linking is slowed to its
 *     pace. Qdrant does the same with its not yet indexed segments, searched by plain scan until its optimizer
 *     has built their HNSW index.
 */
public record IndexOptions(
        int exactScanBelow,
        int m,
        int efConstruction,
        int defaultEf,
        float neighborOverflow,
        float alpha,
        double repairFraction,
        double repairCeiling,
        int maxPending) {

    public IndexOptions {
        if (!(repairCeiling >= repairFraction)) {
            throw new IllegalArgumentException("repairCeiling " + repairCeiling + " is below repairFraction "
                    + repairFraction);
        }
        if (maxPending < 0) {
            throw new IllegalArgumentException("maxPending " + maxPending + " is negative");
        }
    }

    /** Options whose puts link at once ({@code maxPending = 0}). */
    public IndexOptions(int exactScanBelow, int m, int efConstruction, int defaultEf, float neighborOverflow,
            float alpha, double repairFraction, double repairCeiling) {
        this(exactScanBelow, m, efConstruction, defaultEf, neighborOverflow, alpha, repairFraction, repairCeiling, 0);
    }

    /** Options whose due repairs run inline ({@code repairCeiling = repairFraction}). */
    public IndexOptions(int exactScanBelow, int m, int efConstruction, int defaultEf, float neighborOverflow,
            float alpha, double repairFraction) {
        this(exactScanBelow, m, efConstruction, defaultEf, neighborOverflow, alpha, repairFraction, repairFraction);
    }

    public static IndexOptions defaults() {
        return new IndexOptions(4096, 32, 200, 100, 1.2f, 1.2f, 0.2);
    }

    public IndexOptions withExactScanBelow(int v) {
        return new IndexOptions(v, m, efConstruction, defaultEf, neighborOverflow, alpha, repairFraction,
                repairCeiling, maxPending);
    }

    public IndexOptions withDefaultEf(int v) {
        return new IndexOptions(exactScanBelow, m, efConstruction, v, neighborOverflow, alpha, repairFraction,
                repairCeiling, maxPending);
    }

    /** Another repair fraction; due repairs stay inline when they were (the ceiling follows the fraction). */
    public IndexOptions withRepairFraction(double v) {
        return new IndexOptions(exactScanBelow, m, efConstruction, defaultEf, neighborOverflow, alpha, v,
                repairCeiling == repairFraction ? v : Math.max(v, repairCeiling), maxPending);
    }

    /**
     * Due repairs are left to the owner ({@code VectorSpace.repair()} from a timer) until tombstones exceed
     * {@code ceiling} of the graph's nodes; past that the put or remove repairs inline.
     *
     * @param ceiling a fraction in [repairFraction, 1]; 0.5 lets tombstones grow to as many as the live nodes
     */
    public IndexOptions withScheduledRepair(double ceiling) {
        return new IndexOptions(exactScanBelow, m, efConstruction, defaultEf, neighborOverflow, alpha,
                repairFraction, ceiling, maxPending);
    }

    /**
     * Puts store their vector and leave the linking to the owner, up to {@code maxPending} unlinked vectors per
     * vector space (see {@link #maxPending}).
     *
     * @param maxPending ≥ 1
     */
    public IndexOptions withDeferredLinking(int maxPending) {
        if (maxPending < 1) {
            throw new IllegalArgumentException("maxPending must be >= 1, got " + maxPending);
        }
        return new IndexOptions(exactScanBelow, m, efConstruction, defaultEf, neighborOverflow, alpha,
                repairFraction, repairCeiling, maxPending);
    }

    /** Whether puts leave the linking to the owner (see {@link #maxPending}). */
    public boolean linkingDeferred() {
        return maxPending > 0;
    }

    /** Whether due repairs are left to the owner (see {@link #repairCeiling}). */
    public boolean repairScheduled() {
        return repairCeiling > repairFraction;
    }
}
