package dev.sextant.index.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sextant.index.Distance;
import dev.sextant.index.IndexOptions;
import dev.sextant.index.PointId;
import dev.sextant.index.VectorParams;
import dev.sextant.index.graph.Vectorization;
import dev.sextant.index.search.VectorSpace.Candidate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Recall@10 of the graph against exact brute force on real data ({@link DebianPackages}): the first 20,000
 * packages indexed, 200 held-out packages (every 100th of the next 20,000) as queries. Prints recall and
 * QPS per ef, under filters and after churn, and the build rate; asserts only recall floors (no timings).
 * The churn test runs last because it changes the index.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VectorSpaceRecallTest {
    private static final int INDEXED = 20_000;
    private static final int QUERIES = 200;
    private static final int K = 10;
    private static final VectorParams PARAMS = new VectorParams(384, Distance.COSINE);
    private static final Predicate<PointId> ALL = id -> true;

    private static long[] ids;
    private static float[][] vectors;
    private static float[][] queries;
    private static VectorSpace space;
    private static double buildSeconds;

    @BeforeAll
    static void buildIndex() {
        int needed = INDEXED + QUERIES * 100;
        List<DebianPackages.Package> packages = DebianPackages.read(needed, false);
        assertEquals(needed, packages.size(), "records read from " + DebianPackages.FILE.toAbsolutePath());
        ids = new long[needed];
        vectors = new float[needed][];
        for (int i = 0; i < needed; i++) {
            ids[i] = packages.get(i).id();
            vectors[i] = packages.get(i).vector();
        }
        queries = new float[QUERIES][];
        for (int i = 0; i < QUERIES; i++) {
            queries[i] = vectors[INDEXED + i * 100];
        }

        space = new VectorSpace(PARAMS, IndexOptions.defaults());
        long start = System.nanoTime();
        for (int i = 0; i < INDEXED; i++) {
            space.put(PointId.of(ids[i]), vectors[i]);
        }
        buildSeconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("recall test: %s, Java %d; built %d x %d-d in %.1f s = %.0f vectors/s; %s%n",
                Vectorization.providerName(), Runtime.version().feature(), INDEXED, PARAMS.size(), buildSeconds,
                INDEXED / buildSeconds, space.stats());
    }

    /** Exact top k among the indexed points that {@code accept} admits, ties by id. */
    private static List<PointId> truth(float[] q, int k, Predicate<PointId> accept) {
        PriorityQueue<Candidate> best = new PriorityQueue<>(k + 1, VectorSpace.ORDER.reversed());
        for (int i = 0; i < INDEXED; i++) {
            PointId id = PointId.of(ids[i]);
            if (!accept.test(id)) {
                continue;
            }
            best.add(new Candidate(id, Distance.COSINE.similarity(q, vectors[i])));
            if (best.size() > k) {
                best.poll();
            }
        }
        List<Candidate> out = new ArrayList<>(best);
        out.sort(VectorSpace.ORDER);
        return out.stream().map(Candidate::id).toList();
    }

    /** Stats without jvector's heap estimate, which depends on how the graph's arrays grew. */
    static VectorSpace.Stats withoutBytes(VectorSpace.Stats s) {
        return new VectorSpace.Stats(s.live(), s.tombstones(), s.graph(), s.pending(), s.graphNodes(),
                s.graphLayers(), 0, s.ordinalUpperBound());
    }

    /** Exact top 10 of every query, ties by id. */
    private static List<List<PointId>> truths(Predicate<PointId> accept) {
        List<List<PointId>> all = new ArrayList<>();
        for (float[] q : queries) {
            all.add(truth(q, K, accept));
        }
        return all;
    }

    /** Recall@10 over the queries, and queries per second (one pass; the first test warms the JIT up). */
    private static double[] measure(int ef, Predicate<PointId> accept, List<List<PointId>> truths) {
        int hits = 0;
        long start = System.nanoTime();
        for (int i = 0; i < QUERIES; i++) {
            List<Candidate> found = space.nearest(queries[i], K, ef, accept);
            assertEquals(Math.min(K, truths.get(i).size()), found.size(), "page size");
            Set<PointId> expected = new HashSet<>(truths.get(i));
            for (Candidate c : found) {
                if (expected.contains(c.id())) {
                    hits++;
                }
            }
        }
        long elapsed = System.nanoTime() - start;
        int wanted = truths.stream().mapToInt(List::size).sum();
        return new double[] {hits / (double) wanted, QUERIES / (elapsed / 1e9)};
    }

    @Test
    @Order(1)
    void recallAtTheDefaultEfAndAcrossEf() {
        List<List<PointId>> truths = truths(ALL);
        int defaultEf = IndexOptions.defaults().defaultEf();
        measure(defaultEf, ALL, truths); // warm-up
        double[] atDefault = measure(defaultEf, ALL, truths);
        System.out.printf("recall@10 at default ef=%d: %.4f, %.0f QPS%n", defaultEf, atDefault[0], atDefault[1]);
        for (int ef : new int[] {10, 20, 50, 100, 200}) {
            double[] m = measure(ef, ALL, truths);
            System.out.printf("ef=%3d  recall@10 %.4f  %6.0f QPS%n", ef, m[0], m[1]);
        }
        assertTrue(atDefault[0] >= 0.98, "recall@10 at the default ef " + defaultEf + " is " + atDefault[0]);
    }

    @Test
    @Order(2)
    void recallUnderFilters() {
        // admitting 1/2 to 1/200 of the points; which ones scan depends on the filter's cost (see VectorSpace)
        for (int modulus : new int[] {2, 10, 50, 200}) {
            Predicate<PointId> filter = id -> id.num() % modulus == 1;
            double[] m = measure(IndexOptions.defaults().defaultEf(), filter, truths(filter));
            System.out.printf("filter id %% %d == 1: recall@10 %.4f, %.0f QPS%n", modulus, m[0], m[1]);
            assertTrue(m[0] >= 0.95, "filtered (1/" + modulus + ") recall@10 " + m[0]);
        }
    }

    @Test
    @Order(3)
    void recallAfterReplacesAndDeletesBeforeAndAfterTheRepairAndThroughASnapshot() {
        // 10 % of the points deleted and 10 % replaced by a held-out package's vector (tombstones: 20 % of the
        // nodes, just below the default repair fraction, so nothing is repaired automatically)
        Set<PointId> deleted = new HashSet<>();
        for (int i = 0; i < INDEXED; i += 10) {
            space.remove(PointId.of(ids[i]));
            deleted.add(PointId.of(ids[i]));
        }
        int replacement = INDEXED;
        for (int i = 5; i < INDEXED; i += 10) {
            do {
                replacement++;
            } while ((replacement - INDEXED) % 100 == 0); // never a query vector
            vectors[i] = vectors[replacement];
            space.put(PointId.of(ids[i]), vectors[i]);
        }
        VectorSpace.Stats churned = space.stats();
        assertEquals(INDEXED / 10 * 2, churned.tombstones(), churned.toString());
        Predicate<PointId> notDeleted = id -> !deleted.contains(id);
        List<List<PointId>> truths = truths(notDeleted);
        int ef = IndexOptions.defaults().defaultEf();
        double[] before = measure(ef, ALL, truths);

        // a snapshot with tombstones restores to the same answers
        long start = System.nanoTime();
        byte[] snapshot = space.snapshot();
        double snapshotSeconds = (System.nanoTime() - start) / 1e9;
        start = System.nanoTime();
        VectorSpace restored = VectorSpace.restore(PARAMS, IndexOptions.defaults(), snapshot);
        double restoreSeconds = (System.nanoTime() - start) / 1e9;
        assertEquals(withoutBytes(churned), withoutBytes(restored.stats()));
        for (int i = 0; i < QUERIES; i += 10) {
            assertEquals(space.nearest(queries[i], K, ef, ALL), restored.nearest(queries[i], K, ef, ALL));
        }
        System.out.printf("snapshot of %d points + %d tombstones: %.1f MB in %.2f s, restored in %.2f s%n",
                churned.live(), churned.tombstones(), snapshot.length / 1e6, snapshotSeconds, restoreSeconds);
        restored = null;
        snapshot = null;

        start = System.nanoTime();
        space.repair();
        double repairSeconds = (System.nanoTime() - start) / 1e9;
        double[] after = measure(ef, ALL, truths);
        System.out.printf("after 10%% deletes + 10%% replaces: recall@10 %.4f (%.0f QPS) with %d tombstones;"
                + " repair %.1f s; recall@10 %.4f (%.0f QPS) after; %s%n",
                before[0], before[1], churned.tombstones(), repairSeconds, after[0], after[1], space.stats());
        assertEquals(0, space.stats().tombstones());
        assertTrue(before[0] >= 0.97, "recall@10 with tombstones " + before[0]);
        assertTrue(after[0] >= 0.97, "recall@10 after the repair " + after[0]);
    }
}
