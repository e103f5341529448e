package dev.sextant.index.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sextant.index.Distance;
import dev.sextant.index.IndexOptions;
import io.github.jbellis.jvector.util.Bits;
import java.io.IOException;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The entry node and tombstones: jvector links nothing to a node inserted below a tombstoned entry. */
class HnswGraphTest {
    private static final int DIM = 12;

    private static float[] random(Random rnd) {
        float[] v = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return Distance.COSINE.preprocess(v);
    }

    private static HnswGraph graph(VectorStore store) {
        return new HnswGraph(Distance.COSINE, store, IndexOptions.defaults(), 0f);
    }

    /** Each of {@code ordinals} is the first result of a search for its own vector. */
    private static void assertEachFindsItself(HnswGraph graph, VectorStore store, Iterable<Integer> ordinals) {
        for (int ord : ordinals) {
            int[] found = graph.search(store.array(ord), 10, Bits.ALL);
            assertEquals(ord, found.length == 0 ? -1 : found[0], "node " + ord + " is unreachable");
        }
    }

    /** The graph saved and loaded again (jvector's save asserts the entry is on the top layer; tests run with -ea). */
    private static HnswGraph reloaded(HnswGraph graph, VectorStore store) throws IOException {
        return HnswGraph.load(Distance.COSINE, store, IndexOptions.defaults(), 0f, 0, graph.save());
    }

    @Test
    void nodesAddedAfterTheEntryIsTombstonedAreReachable() throws IOException {
        Random rnd = new Random(7);
        VectorStore store = new VectorStore(DIM);
        HnswGraph graph = graph(store);
        int next = 0;
        for (; next < 300; next++) {
            store.set(next, random(rnd));
            graph.add(next);
        }
        Set<Integer> added = new HashSet<>();
        int repairs = 0;
        // tombstone the entry again and again, adding nodes in between, until the top layer has run out of live
        // nodes more than once
        for (int round = 0; round < 40; round++) {
            int entry = graph.entryNode();
            graph.markDeleted(entry);
            added.remove(entry); // a node added earlier may have become the entry
            if (graph.entryIsTombstone()) {
                assertThrows(IllegalStateException.class, () -> graph.add(999), "adding below a tombstoned entry");
                graph.repair();
                repairs++;
            }
            assertNotEquals(entry, graph.entryNode(), "the entry stayed on a tombstone");
            assertEquals(graph.entryNode(), reloaded(graph, store).entryNode(), "the entry moved in a save and load");
            for (int i = 0; i < 10; i++, next++) {
                store.set(next, random(rnd));
                graph.add(next);
                added.add(next);
            }
        }
        assertTrue(repairs >= 2, "the top layer never ran out of live nodes: " + repairs + " repairs");
        assertEachFindsItself(graph, store, added);
        assertEachFindsItself(reloaded(graph, store), store, added);

        graph.repair();
        assertEachFindsItself(graph, store, added);
    }

    @Test
    void aGraphOfTombstonesOnlyIsRepairedToNothingThenGrowsAgain() {
        Random rnd = new Random(11);
        VectorStore store = new VectorStore(DIM);
        HnswGraph graph = graph(store);
        for (int i = 0; i < 5; i++) {
            store.set(i, random(rnd));
            graph.add(i);
        }
        for (int i = 0; i < 5; i++) {
            graph.markDeleted(i);
        }
        assertTrue(graph.entryIsTombstone());
        graph.repair();
        assertEquals(0, graph.nodeCount());
        assertEquals(-1, graph.entryNode());
        store.set(5, random(rnd));
        graph.add(5);
        store.set(6, random(rnd));
        graph.add(6);
        assertEquals(Set.of(5, 6), Set.of(graph.entryNode(), graph.search(store.array(6), 1, Bits.ALL)[0]));
        assertEachFindsItself(graph, store, Set.of(5, 6));
    }
}
