package dev.sextant.index.graph;

import dev.sextant.index.Distance;
import dev.sextant.index.IndexOptions;
import io.github.jbellis.jvector.disk.ByteBufferReader;
import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.ImmutableGraphIndex.NodeAtLevel;
import io.github.jbellis.jvector.graph.NodesIterator;
import io.github.jbellis.jvector.graph.OnHeapGraphIndex;
import io.github.jbellis.jvector.graph.SearchResult;
import io.github.jbellis.jvector.graph.diversity.VamanaDiversityProvider;
import io.github.jbellis.jvector.graph.similarity.DefaultSearchScoreProvider;
import io.github.jbellis.jvector.util.Bits;
import io.github.jbellis.jvector.util.PhysicalCoreExecutor;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ForkJoinPool;

/**
 * One jvector HNSW graph (Vamana base layer plus HNSW upper layers) over the ordinals of a
 * {@link VectorStore}, with one reusable searcher.
 *
 * <p>Life of a node: the owner stores the vector, then {@link #add}s the ordinal; a replaced or deleted
 * point's ordinal is {@link #markDeleted} (a tombstone: still routed through, never returned); a
 * {@link #repair} removes all tombstones from the graph and relinks their neighbours (FreshDiskANN), after
 * which the owner may free and reuse those ordinals.
 *
 * <p>Threads: a single owner thread calls everything (a Flink subtask's mailbox thread). Inserts run on
 * that thread. {@link #repair} blocks that thread while jvector fans the work out to its shared pools
 * ({@link PhysicalCoreExecutor#pool()}, sized to the physical cores, and the common pool); nothing runs in
 * the background afterwards. Because there is exactly one writer and nothing is ever in flight
 * when a search runs, the graph is flagged "all mutations completed" from the start: views are plain
 * (no snapshot filtering per neighbour) and {@link #save} needs no {@code cleanup()}.
 *
 * <p>Costs, measured on a shared 2-core machine with 384-d vectors, M = 32, efConstruction = 200
 * (VectorSpaceRecallTest): an insert is a beam search of width {@code efConstruction} plus linking,
 * 1.5–2.3 ms at 20k nodes on Java 17 (scalar) and 0.75–1.5 ms on Java 25 with the Vector API. A
 * {@link #repair} visits every node of every layer whatever the number of tombstones (O(N·M) plus the
 * rescoring of relinked neighbourhoods): 3–13 s for 4,000 tombstones in a 22k-node graph, about as much per
 * tombstone as an insert, hence repairs are batched; at 100k nodes a repair of 10k tombstones takes tens of
 * seconds.
 */
public final class HnswGraph {
    private final Distance distance;
    private final VectorStore vectors;
    private final MetricScoreProvider scores;
    private final GraphIndexBuilder builder;
    private final OnHeapGraphIndex graph;
    private final GraphSearcher searcher;
    private int deleted;
    private int clamped;
    private long lastVisited;

    /**
     * An empty graph over {@code vectors}, scored by {@code distance}, shaped by {@code options}.
     *
     * @param phiSquared Dot only (ignored otherwise): Φ² of the sphere nodes are linked on, at least the largest
     *     squared norm expected (see {@link MetricScoreProvider}); 0 lets the first non-zero vector added set
     *     Φ = 2‖x‖
     */
    public HnswGraph(Distance distance, VectorStore vectors, IndexOptions options, float phiSquared) {
        this.distance = distance;
        this.vectors = vectors;
        this.scores = new MetricScoreProvider(distance, vectors, phiSquared);
        this.builder = new GraphIndexBuilder(scores, vectors.dimension(), options.m(), options.efConstruction(),
                options.neighborOverflow(), options.alpha(), true, false);
        this.graph = (OnHeapGraphIndex) builder.getGraph();
        this.graph.setAllMutationsCompleted();
        this.searcher = new GraphSearcher(graph);
    }

    private HnswGraph(Distance distance, VectorStore vectors, MetricScoreProvider scores, OnHeapGraphIndex graph,
            IndexOptions options, int clamped) {
        this.distance = distance;
        this.vectors = vectors;
        this.clamped = clamped;
        this.scores = scores;
        this.graph = graph;
        this.builder = new GraphIndexBuilder(scores, vectors.dimension(), graph, options.efConstruction(),
                options.neighborOverflow(), options.alpha(), false, PhysicalCoreExecutor.pool(),
                ForkJoinPool.commonPool());
        this.graph.setAllMutationsCompleted();
        this.searcher = new GraphSearcher(graph);
    }

    /** Links the node {@code ordinal}, whose vector must already be in the store and which must not be in the graph. */
    public void add(int ordinal) {
        if (distance == Distance.DOT) {
            float squaredNorm = vectors.squaredNorm(ordinal);
            if (scores.phiSquared() == 0f && graph.size(0) == 0 && squaredNorm > 0f) {
                scores.phiSquared(4f * squaredNorm);
            } else if (squaredNorm > scores.phiSquared()) {
                clamped++;
            }
        }
        if (entryIsTombstone()) {
            // jvector would link the node to nothing (see moveEntryToLiveNode)
            throw new IllegalStateException("the entry node is a tombstone: repair() before adding nodes");
        }
        builder.addGraphNode(ordinal, vectors.getVector(ordinal));
    }

    /** Dot only: Φ² of the sphere the nodes are linked on (0 for other distances or while unset). */
    public float phiSquared() {
        return scores.phiSquared();
    }

    /**
     * Dot only: nodes added with a vector longer than Φ (linked less well); when they become a noticeable
     * share of the graph the owner should rebuild it with a larger Φ.
     */
    public int clamped() {
        return clamped;
    }

    /**
     * Tombstones {@code ordinal}: searches route through it but never return it. When it is the graph's entry
     * node, the entry moves to a live node of the top layer; when the top layer has none, the entry stays a
     * tombstone ({@link #entryIsTombstone()}) and the owner must {@link #repair} before the next {@link #add}.
     */
    public void markDeleted(int ordinal) {
        builder.markNodeDeleted(ordinal);
        deleted++;
        NodeAtLevel entry = graph.entryNode();
        if (entry != null && entry.node == ordinal) {
            moveEntryToLiveNode();
        }
    }

    /**
     * Whether the entry node is a tombstone: every node of the top layer is one. Then the graph must be
     * {@link #repair}ed before nodes are added (searches and {@link #save} still work).
     */
    public boolean entryIsTombstone() {
        NodeAtLevel entry = graph.entryNode();
        return entry != null && graph.getDeletedNodes().get(entry.node);
    }

    /**
     * jvector's insertion searches each upper layer for live nodes only, starting from the entry node: with a
     * tombstoned entry it finds none, descends with no entry points and links the new node to nothing, so the
     * node is unreachable by every search until a repair (jvector moves the entry only in
     * {@code removeDeletedNodes}). Seen in RescaleITCase: re-inserted points missing from self-searches at any
     * beam. The entry must stay on the top layer: jvector's {@code save} asserts it and {@code load} puts the
     * entry there whatever layer it was on. So only a live node of the top layer will do; when there is none
     * (the top layer holds a few nodes, so this is rare), only a repair, which removes the tombstones and the
     * layers they alone held, gives the graph a live entry again.
     */
    private void moveEntryToLiveNode() {
        Bits tombstones = graph.getDeletedNodes();
        int top = graph.getMaxLevel();
        NodesIterator nodes = graph.getNodes(top);
        while (nodes.hasNext()) {
            int node = nodes.nextInt();
            if (!tombstones.get(node)) {
                builder.setEntryPoint(top, node);
                return;
            }
        }
    }

    /** The graph's entry node (where every search starts), or −1 when the graph is empty. */
    public int entryNode() {
        NodeAtLevel entry = graph.entryNode();
        return entry == null ? -1 : entry.node;
    }

    /** Nodes in the graph, tombstones included. */
    public int nodeCount() {
        return graph.size(0);
    }

    /** Tombstoned nodes not yet removed by {@link #repair}. */
    public int deletedCount() {
        return deleted;
    }

    /** Number of layers (1 = base layer only). */
    public int layers() {
        return graph.getMaxLevel() + 1;
    }

    /** jvector's estimate of the graph's heap (bytes), vectors excluded. */
    public long ramBytesUsed() {
        return graph.ramBytesUsed();
    }

    /** Nodes scored by the last {@link #search}. */
    public long lastVisited() {
        return lastVisited;
    }

    /**
     * Removes every tombstone from the graph and reconnects their in-neighbours to their out-neighbours.
     * Afterwards the tombstoned ordinals are free (not in the graph) and may be added again.
     */
    public void repair() {
        if (deleted > 0) {
            builder.removeDeletedNodes();
            deleted = 0;
        }
    }

    /**
     * Beam search of width {@code beam} (HNSW ef) for {@code query}.
     *
     * @param query a vector of the store's dimension, preprocessed like the stored ones
     * @param beam the number of candidates kept and returned, ≥ 1
     * @param accept admissible ordinals; tombstones are excluded on top of it
     * @return up to {@code beam} ordinals, best graph score first
     */
    public int[] search(float[] query, int beam, Bits accept) {
        searcher.setView(graph.getView());
        SearchResult result = searcher.search(new DefaultSearchScoreProvider(scores.scoreFunction(query)),
                beam, beam, 0f, 0f, accept);
        lastVisited = result.getVisitedCount();
        SearchResult.NodeScore[] nodes = result.getNodes();
        int[] ordinals = new int[nodes.length];
        for (int i = 0; i < nodes.length; i++) {
            ordinals[i] = nodes[i].node;
        }
        return ordinals;
    }

    /** Whether {@code ordinal} is a node of the graph (live or tombstoned). */
    public boolean contains(int ordinal) {
        return graph.containsNode(ordinal);
    }

    /**
     * The graph as bytes (jvector's heap format, version 4: adjacency lists only, tombstones written as
     * live nodes). Vectors and tombstones are the owner's to persist.
     */
    @SuppressWarnings("deprecation")
    public byte[] save() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + graph.size(0) * 280);
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                graph.save(out);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Restores a graph written by {@link #save} over {@code vectors} (which must hold every node's vector,
     * tombstones included); the caller re-marks its tombstones with {@link #markDeleted} and passes back
     * {@link #phiSquared()} and {@link #clamped()} as they were when it saved.
     *
     * @throws IOException when the bytes are not a jvector heap graph
     */
    @SuppressWarnings("deprecation")
    public static HnswGraph load(Distance distance, VectorStore vectors, IndexOptions options, float phiSquared,
            int clamped, byte[] bytes) throws IOException {
        MetricScoreProvider scores = new MetricScoreProvider(distance, vectors, phiSquared);
        OnHeapGraphIndex graph = OnHeapGraphIndex.load(new ByteBufferReader(ByteBuffer.wrap(bytes)),
                vectors.dimension(), options.neighborOverflow(), new VamanaDiversityProvider(scores, options.alpha()));
        return new HnswGraph(distance, vectors, scores, graph, options, clamped);
    }

    /** The ordinals of the graph's base layer, ascending (for consistency checks after a load). */
    public int[] nodes() {
        return graph.nodeStream(0).toArray();
    }
}
