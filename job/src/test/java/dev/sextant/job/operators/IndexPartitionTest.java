package dev.sextant.job.operators;

import static dev.sextant.job.operators.Fixtures.KEYS;
import static dev.sextant.job.operators.Fixtures.SHOP;
import static dev.sextant.job.operators.Fixtures.SHOP_1;
import static dev.sextant.job.operators.Fixtures.SHOP_CREATED;
import static dev.sextant.job.operators.Fixtures.SHOP_DELETED;
import static dev.sextant.job.operators.Fixtures.delete;
import static dev.sextant.job.operators.Fixtures.json;
import static dev.sextant.job.operators.Fixtures.ref;
import static dev.sextant.job.operators.Fixtures.side;
import static dev.sextant.job.operators.Fixtures.upsert;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sextant.index.PointId;
import dev.sextant.index.search.VectorSpace;
import dev.sextant.job.protocol.AckPart;
import dev.sextant.job.protocol.CatalogEntry;
import dev.sextant.job.protocol.CollectionChange;
import dev.sextant.job.protocol.Hit;
import dev.sextant.job.protocol.PartialResult;
import dev.sextant.job.protocol.PartitionInput;
import dev.sextant.job.protocol.PlannedRequest;
import dev.sextant.job.protocol.PointWrite;
import dev.sextant.job.protocol.ResolvedRequest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.SavepointType;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IndexPartitionTest {
    private KeyedTwoInputStreamOperatorTestHarness<Integer, PointWrite, PartitionInput, PartialResult> harness;

    /** A harness for subtask {@code index} of {@code parallelism} (P = 4 partitions, max parallelism 128). */
    private static KeyedTwoInputStreamOperatorTestHarness<Integer, PointWrite, PartitionInput, PartialResult> harness(
            int parallelism, int index) throws Exception {
        var h = new KeyedTwoInputStreamOperatorTestHarness<Integer, PointWrite, PartitionInput, PartialResult>(
                new IndexPartition(KEYS, IndexSettings.defaults()), w -> KEYS.key(w.partition()), null, Types.INT, 128, parallelism, index);
        h.setup();
        return h;
    }

    @AfterEach
    void tearDown() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    /** The points of the tests: 1 → (1,0), 2 → (2,0), ..., 6 → (6,0); Dot with (1,0) scores the id. */
    private void writeSixPoints() throws Exception {
        for (long id = 1; id <= 6; id++) {
            harness.processElement1(upsert(1, id, id, 0, "u", 6), 0);
        }
    }

    /** A nearest search for (1, 0) with {@code limit} and {@code offset} on shop incarnation {@code incarnation}. */
    private static PartitionInput nearest(String ticket, long incarnation, int limit, int offset) {
        CatalogEntry entry = new CatalogEntry(SHOP, incarnation, SHOP_1.configJson(), false);
        PlannedRequest plan = new PlannedRequest(ref(ticket, 0), false, SHOP,
                "{\"query\":[1,0],\"limit\":" + limit + ",\"offset\":" + offset + ",\"with_payload\":true}",
                new CatalogEntry[] {entry}, 0);
        ResolvedRequest resolved = RequestResolver.resolve(plan, Map.of());
        return PartitionInput.of(resolved);
    }

    private static List<Long> ids(Hit[] hits) {
        return Arrays.stream(hits).map(h -> h.id().num()).toList();
    }

    @Test
    void aSubtaskOwningEveryPartitionAnswersWithItsBestOffsetPlusLimit() throws Exception {
        harness = harness(1, 0);
        harness.initializeEmptyState();
        harness.open();
        harness.processElement2(PartitionInput.of(SHOP_CREATED), 0);
        writeSixPoints();
        harness.processElement2(nearest("q1", 1, 2, 1), 0);

        List<PartialResult> partials = harness.extractOutputValues();
        assertEquals(1, partials.size());
        PartialResult p = partials.get(0);
        assertEquals(1, p.subtasks());
        assertEquals(List.of(6L, 5L, 4L), ids(p.hits()[0])); // offset + limit = 3, the merge skips the offset
        assertEquals(6.0f, p.hits()[0][0].score());
        assertEquals(json("{\"n\":6}"), json(p.hits()[0][0].payloadJson()));
        assertEquals(1, p.offsets()[0]);
        assertEquals(2, p.limits()[0]);

        List<AckPart> acks = side(harness, Tags.ACKS);
        assertEquals(AckPart.stageApplied("create-shop", IndexPartition.STAGE, CollectionChange.CREATE_ACK_STAGES, 1), acks.get(0));
        assertEquals(6, acks.stream().filter(a -> a.equals(AckPart.point("u", 6))).count());
    }

    @Test
    void everySubtaskAnswersEveryRequestOnceEvenWithoutData() throws Exception {
        // at parallelism 2 the four partitions split 2 + 2
        assertEquals(2, KEYS.ownedKeys(2, 0).length);
        assertEquals(2, KEYS.ownedKeys(2, 1).length);
        harness = harness(2, 1);
        harness.initializeEmptyState();
        harness.open();
        harness.processElement2(nearest("q1", 1, 10, 0), 0);
        PartialResult p = harness.extractOutputValues().get(0);
        assertEquals(2, p.subtasks());
        assertEquals(0, p.hits()[0].length);
    }

    @Test
    void deletesRemovePointsAndTheCollectionLeavesOnlyTombstones() throws Exception {
        harness = harness(1, 0);
        harness.initializeEmptyState();
        harness.open();
        writeSixPoints();
        harness.processElement1(delete(1, 6, "d", 1), 0);
        harness.processElement2(nearest("q1", 1, 1, 0), 0);
        assertEquals(List.of(5L), ids(harness.extractOutputValues().get(0).hits()[0]));

        harness.processElement2(PartitionInput.of(SHOP_DELETED), 0);
        harness.processElement1(upsert(1, 9, 9, 0, "late", 1), 0); // stale: dropped, still counted
        harness.processElement2(nearest("q2", 1, 10, 0), 0);
        assertEquals(0, harness.extractOutputValues().get(1).hits()[0].length);
        assertEquals(AckPart.point("late", 1), side(harness, Tags.ACKS).get(side(harness, Tags.ACKS).size() - 1));
        // one tombstone per partition that holds or held shop, no points
        assertEquals(4, harness.numKeyedStateEntries());
        assertEquals(0, harness.numProcessingTimeTimers());
    }

    @Test
    void aRequestForAnotherIncarnationFindsNothing() throws Exception {
        harness = harness(1, 0);
        harness.initializeEmptyState();
        harness.open();
        writeSixPoints();
        harness.processElement2(nearest("q1", 2, 10, 0), 0);
        assertEquals(0, harness.extractOutputValues().get(0).hits()[0].length);
    }

    @Test
    void aRestoredSubtaskRebuildsItsIndexesFromState() throws Exception {
        harness = harness(1, 0);
        harness.initializeEmptyState();
        harness.open();
        writeSixPoints();
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();

        // restore at parallelism 2: each subtask gets the partitions it owns now
        long total = 0;
        for (int index = 0; index < 2; index++) {
            var restored = harness(2, index);
            restored.initializeState(KeyedTwoInputStreamOperatorTestHarness.repartitionOperatorState(
                    snapshot, 128, 1, 2, index));
            restored.open();
            restored.processElement2(nearest("q1", 1, 10, 0), 0);
            Hit[] hits = restored.extractOutputValues().get(0).hits()[0];
            total += hits.length;
            for (Hit h : hits) {
                int partition = KEYS.partitionOf(SHOP, h.id());
                assertTrue(Arrays.stream(KEYS.ownedKeys(2, index)).anyMatch(k -> k == KEYS.key(partition)),
                        "point " + h.id() + " answered by a subtask that does not own its partition");
                assertEquals((float) h.id().num(), h.score());
            }
            restored.close();
        }
        assertEquals(6, total);
        harness = null;
    }

    @Test
    void restoringWithAnotherPartitionCountIsRefused() throws Exception {
        harness = harness(1, 0);
        harness.initializeEmptyState();
        harness.open();
        writeSixPoints();
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();
        harness = null;
        var other = new KeyedTwoInputStreamOperatorTestHarness<Integer, PointWrite, PartitionInput, PartialResult>(
                new IndexPartition(new PartitionKeys(8, 128), IndexSettings.defaults()), w -> 0, null, Types.INT, 128, 1, 0);
        other.setup();
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> other.initializeState(snapshot));
        assertTrue(String.valueOf(e.getMessage()).contains("sextant.partitions is 8")
                || String.valueOf(e.getCause()).contains("sextant.partitions is 8"), e.toString());
        other.close();
    }

    @Test
    void aWriteBeforeTheCreationStartsTheIndexFromItsOwnConfig() throws Exception {
        harness = harness(1, 0);
        harness.initializeEmptyState();
        harness.open();
        harness.processElement1(upsert(1, 3, 3, 0, null, 1), 0);
        harness.processElement2(PartitionInput.of(SHOP_CREATED), 0);
        harness.processElement2(nearest("q1", 1, 10, 0), 0);
        assertEquals(List.of(3L), ids(harness.extractOutputValues().get(0).hits()[0]));
        assertEquals(PointId.of(3), harness.extractOutputValues().get(0).hits()[0][0].id());
    }

    // ---- graph blobs (design §6d) -------------------------------------------------------------------------

    /** Graphs from 8 points on; blobs written at every checkpoint for any change, all of them. */
    private static final IndexSettings EAGER = IndexSettings.defaults().withExactScanBelow(8).withGraphSnapshots(1, 100);
    /** Graphs from 8 points on; checkpoints never write blobs (savepoints still write every dirty one). */
    private static final IndexSettings SAVEPOINTS_ONLY =
            IndexSettings.defaults().withExactScanBelow(8).withGraphSnapshots(Long.MAX_VALUE, 100);
    private static final int POINTS = 240;

    private static KeyedTwoInputStreamOperatorTestHarness<Integer, PointWrite, PartitionInput, PartialResult> harness(
            int parallelism, int index, IndexSettings settings) throws Exception {
        var h = new KeyedTwoInputStreamOperatorTestHarness<Integer, PointWrite, PartitionInput, PartialResult>(
                new IndexPartition(KEYS, settings), w -> KEYS.key(w.partition()), null, Types.INT, 128, parallelism, index);
        h.setup();
        return h;
    }

    private static KeyedTwoInputStreamOperatorTestHarness<Integer, PointWrite, PartitionInput, PartialResult> restored(
            OperatorSubtaskState state, int fromParallelism, int parallelism, int index, IndexSettings settings)
            throws Exception {
        var h = harness(parallelism, index, settings);
        h.initializeState(AbstractStreamOperatorTestHarness.repartitionOperatorState(
                state, 128, fromParallelism, parallelism, index));
        h.open();
        return h;
    }

    private static IndexPartition operator(AbstractStreamOperatorTestHarness<?> h) {
        return (IndexPartition) h.getOperator();
    }

    /** A started subtask owning every partition (parallelism 1), with points 0..POINTS-1 written. */
    private static KeyedTwoInputStreamOperatorTestHarness<Integer, PointWrite, PartitionInput, PartialResult> withPoints(
            IndexSettings settings) throws Exception {
        var h = harness(1, 0, settings);
        h.initializeEmptyState();
        h.open();
        writePoints(h, 1, 0);
        return h;
    }

    /** Point {@code id} at a seeded pseudo-random position ({@code version} moves it). */
    private static PointWrite randomPoint(long id, int version) {
        Random rnd = new Random(id * 31 + version);
        return upsert(1, id, (float) rnd.nextGaussian(), (float) rnd.nextGaussian(), null, 1);
    }

    /** Writes points 0..POINTS-1 that {@code h}'s subtask owns (all of them at parallelism 1). */
    private static void writePoints(KeyedTwoInputStreamOperatorTestHarness<Integer, PointWrite, PartitionInput, PartialResult> h,
            int parallelism, int index) throws Exception {
        for (long id = 0; id < POINTS; id++) {
            PointWrite w = randomPoint(id, 0);
            if (owns(parallelism, index, w)) {
                h.processElement1(w, 0);
            }
        }
    }

    private static boolean owns(int parallelism, int index, PointWrite w) {
        int key = KEYS.key(w.partition());
        return Arrays.stream(KEYS.ownedKeys(parallelism, index)).anyMatch(k -> k == key);
    }

    /** Searches with graph and exact beams, a filter-free page, and a recommend; the hits in answer order. */
    private static final String[] BODIES = {
        "{\"query\":[1,0.3],\"limit\":10}",
        "{\"query\":[-0.4,1],\"limit\":7,\"params\":{\"hnsw_ef\":8}}",
        "{\"query\":[0.2,-1],\"limit\":300}",
        "{\"limit\":300}",
    };

    /** The answer of every subtask to every body, merged (score descending, then id; the limit of the body). */
    @SafeVarargs
    private static List<List<String>> answers(
            KeyedTwoInputStreamOperatorTestHarness<Integer, PointWrite, PartitionInput, PartialResult>... subtasks)
            throws Exception {
        List<List<String>> out = new java.util.ArrayList<>();
        for (int b = 0; b < BODIES.length; b++) {
            CatalogEntry entry = new CatalogEntry(SHOP, 1, SHOP_1.configJson(), false);
            PlannedRequest plan = new PlannedRequest(ref("b" + b, 0), false, SHOP, BODIES[b],
                    new CatalogEntry[] {entry}, 0);
            PartitionInput request = PartitionInput.of(RequestResolver.resolve(plan, Map.of()));
            List<Hit> hits = new java.util.ArrayList<>();
            for (var h : subtasks) {
                h.processElement2(request, 0);
                List<PartialResult> partials = h.extractOutputValues();
                hits.addAll(Arrays.asList(partials.get(partials.size() - 1).hits()[0]));
            }
            boolean noQuery = BODIES[b].startsWith("{\"limit\"");
            hits.sort(noQuery ? java.util.Comparator.comparing(Hit::id)
                    : java.util.Comparator.comparing((Hit h) -> -h.score()).thenComparing(Hit::id));
            int limit = Integer.parseInt(BODIES[b].replaceAll(".*\"limit\":(\\d+).*", "$1"));
            out.add(hits.stream().limit(limit).map(h -> h.id() + "=" + h.score()).toList());
        }
        return out;
    }

    /** Advances processing time until the linking callbacks have linked every point (a bounded number of steps). */
    private static void linkAll(KeyedTwoInputStreamOperatorTestHarness<Integer, PointWrite, PartitionInput, PartialResult> h)
            throws Exception {
        for (int step = 0; step < 1_000 && operator(h).pointsPending() > 0; step++) {
            h.setProcessingTime(h.getProcessingTime() + 1);
        }
        assertEquals(0, operator(h).pointsPending());
    }

    @Test
    void writesAreSearchableAtOnceAndLinkedByTheTimerInSlices() throws Exception {
        var exact = harness(1, 0, EAGER.withExactScanBelow(Integer.MAX_VALUE));
        exact.initializeEmptyState();
        exact.open();
        writePoints(exact, 1, 0);
        harness = withPoints(EAGER);
        int linkedByWrites = 0;
        for (int partition = 0; partition < 4; partition++) {
            linkedByWrites += operator(harness).index(KEYS.key(partition), SHOP).space("").stats().graphNodes();
        }
        // below the threshold of 8 a write links two of the graph's creation backlog; from it on, none
        assertTrue(linkedByWrites <= 4 * 8, linkedByWrites + " linked by writes");
        assertEquals(POINTS - linkedByWrites, operator(harness).pointsPending());
        List<List<String>> pending = answers(harness);
        assertEquals(answers(exact), pending, "unlinked points are found by the exact scan");
        exact.close();

        harness.setProcessingTime(1); // one callback: one slice of at most LINK_SLICE_MS, then a pause
        linkAll(harness);
        for (int partition = 0; partition < 4; partition++) {
            var stats = operator(harness).index(KEYS.key(partition), SHOP).space("").stats();
            assertEquals(new VectorSpace.Stats(stats.live(), 0, true, 0, stats.live(), stats.graphLayers(),
                    stats.graphBytes(), stats.live()), stats, "partition " + partition);
        }
        List<List<String>> linked = answers(harness);
        // the graph answers alike where its beam covers the partition (body 1 has hnsw_ef 8: approximate)
        for (int b : new int[] {0, 2, 3}) {
            assertEquals(pending.get(b), linked.get(b), BODIES[b]);
        }
    }

    @Test
    void linkingMakesABlobDirtySoARestoreFindsEveryPointLinked() throws Exception {
        harness = withPoints(EAGER);
        harness.snapshot(1, 1);
        assertEquals(4, operator(harness).snapshots().lastWritten(), "blobs of pending points");
        linkAll(harness);
        harness.snapshot(2, 2);
        assertEquals(4, operator(harness).snapshots().lastWritten(), "linking is dirt: no vector changed");
        OperatorSubtaskState snapshot = harness.snapshot(3, 3);
        assertEquals(0, operator(harness).snapshots().lastWritten());
        harness.close();

        harness = restored(snapshot, 1, 1, 0, EAGER);
        assertEquals(0, operator(harness).pointsPending(), "the restore links nothing again");
        assertEquals(4, operator(harness).snapshots().restoredFromBlob());
    }

    @Test
    void aWriteBeyondMaxPendingLinksTheExcessItself() throws Exception {
        harness = withPoints(EAGER.withMaxPending(10));
        assertEquals(4 * 10, operator(harness).pointsPending(), "10 per partition, the rest linked by the writes");
        linkAll(harness);
    }

    private static OperatorSubtaskState savepoint(AbstractStreamOperatorTestHarness<?> h, long id) throws Exception {
        return h.snapshotWithLocalState(id, id, SavepointType.savepoint(SavepointFormatType.CANONICAL))
                .getJobManagerOwnedState();
    }

    @Test
    void graphBlobsAreSerialisedAsPojosNotByKryo() {
        // the job runs with pipeline.generic-types: false, so a Kryo fallback would fail the state's registration
        assertTrue(org.apache.flink.api.common.typeinfo.TypeInformation.of(GraphBlob.class)
                instanceof org.apache.flink.api.java.typeutils.PojoTypeInfo);
    }

    @Test
    void aRestoreLoadsTheGraphBlobsInsteadOfReinsertingAndAnswersIdentically() throws Exception {
        harness = withPoints(EAGER);
        linkAll(harness);
        for (long id = 0; id < 20; id++) {
            harness.processElement1(delete(1, id, null, 1), 0); // tombstones in the saved graphs
        }
        List<List<String>> before = answers(harness);
        assertEquals(220, before.get(3).size());
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        assertEquals(4, operator(harness).snapshots().lastWritten(), "one blob per partition");
        harness.close();

        harness = restored(snapshot, 1, 1, 0, EAGER);
        PartitionSnapshots restore = operator(harness).snapshots();
        assertEquals(4, restore.restoredFromBlob());
        assertEquals(0, restore.replayed(), "nothing re-inserted");
        assertEquals(0, restore.rebuilt());
        for (int partition = 0; partition < 4; partition++) {
            var stats = operator(harness).index(KEYS.key(partition), SHOP).space("").stats();
            assertTrue(stats.graph() && stats.pending() == 0, "partition " + partition + ": " + stats);
            assertEquals(stats.live() + stats.tombstones(), stats.graphNodes(), "tombstones stay tombstones");
        }
        assertEquals(before, answers(harness));
        // deleted points were saved as tombstones, not as live nodes
        assertTrue(answers(harness).get(2).stream().noneMatch(h -> Integer.parseInt(h.split("=")[0]) < 20));
    }

    @Test
    void writesDeletesAndOverwritesAfterTheBlobsAreReplayed() throws Exception {
        harness = withPoints(SAVEPOINTS_ONLY);
        savepoint(harness, 1);
        assertEquals(4, operator(harness).snapshots().lastWritten());
        for (long id = 0; id < 10; id++) {
            harness.processElement1(delete(1, id, null, 1), 0);        // 10 deletes
        }
        for (long id = 10; id < 25; id++) {
            harness.processElement1(randomPoint(id, 1), 0);           // 15 new vectors
        }
        for (long id = 25; id < 30; id++) {
            PointWrite same = randomPoint(id, 0);                      // 5 payload-only updates
            harness.processElement1(new PointWrite(SHOP, 1, same.configJson(), same.id(), same.partition(), false,
                    same.vectorNames(), same.vectors(), "{\"v\":2}", null, null, 1, 0), 0);
        }
        for (long id = POINTS; id < POINTS + 12; id++) {
            harness.processElement1(randomPoint(id, 0), 0);           // 12 new points
        }
        List<List<String>> before = answers(harness);
        OperatorSubtaskState snapshot = harness.snapshot(2, 2);
        assertEquals(0, operator(harness).snapshots().lastWritten());
        harness.close();

        harness = restored(snapshot, 1, 1, 0, SAVEPOINTS_ONLY);
        assertEquals(4, operator(harness).snapshots().restoredFromBlob());
        assertEquals(10 + 15 + 12, operator(harness).snapshots().replayed());
        assertEquals(0, operator(harness).snapshots().rebuilt());
        assertEquals(before, answers(harness));
        assertEquals(POINTS - 10 + 12, before.get(3).size());
    }

    @Test
    void aSavepointWritesEveryDirtyBlobSoItsRestoreReplaysNothing() throws Exception {
        harness = withPoints(SAVEPOINTS_ONLY);
        harness.snapshot(1, 1);
        assertEquals(0, operator(harness).snapshots().lastWritten(), "a checkpoint below the threshold writes none");
        OperatorSubtaskState state = savepoint(harness, 2);
        assertEquals(4, operator(harness).snapshots().lastWritten());
        List<List<String>> before = answers(harness);
        harness.close();

        harness = restored(state, 1, 1, 0, SAVEPOINTS_ONLY);
        assertEquals(4, operator(harness).snapshots().restoredFromBlob());
        assertEquals(0, operator(harness).snapshots().replayed());
        assertEquals(before, answers(harness));
        // nothing changed since the restore: the next savepoint writes nothing
        savepoint(harness, 3);
        assertEquals(0, operator(harness).snapshots().lastWritten());
    }

    @Test
    void aBlobIsDueOnlyOnceATenthOfItsPartitionChanged() throws Exception {
        harness = withPoints(EAGER); // threshold 1: only the fraction holds blobs back
        harness.snapshot(1, 1);
        assertEquals(4, operator(harness).snapshots().lastWritten());
        int key = KEYS.key(KEYS.partitionOf(SHOP, PointId.of(0)));
        int size = operator(harness).index(key, SHOP).size();
        List<Long> inPartition = new java.util.ArrayList<>();
        for (long id = 0; id < POINTS; id++) {
            if (KEYS.key(KEYS.partitionOf(SHOP, PointId.of(id))) == key) {
                inPartition.add(id);
            }
        }
        int due = (int) Math.ceil(PartitionSnapshots.DIRT_FRACTION * size);
        for (int i = 0; i < due - 1; i++) {
            harness.processElement1(randomPoint(inPartition.get(i), 1), 0); // a new vector: one change each
        }
        harness.snapshot(2, 2);
        assertEquals(0, operator(harness).snapshots().lastWritten(), (due - 1) + " of " + size + " changed");
        harness.processElement1(randomPoint(inPartition.get(due - 1), 1), 0);
        harness.snapshot(3, 3);
        assertEquals(1, operator(harness).snapshots().lastWritten(), due + " of " + size + " changed");
    }

    @Test
    void checkpointsWriteTheMostChangedBlobsFirstAndAQuietOneWritesTheRest() throws Exception {
        // 240 points, 4 partitions: each has at least 50 changes
        harness = withPoints(IndexSettings.defaults().withExactScanBelow(8).withGraphSnapshots(50, 1));
        linkAll(harness); // before any blob: linking would be dirt too
        harness.snapshot(1, 1);
        assertEquals(1, operator(harness).snapshots().lastWritten(), "at most one per checkpoint");
        harness.snapshot(2, 2);
        harness.snapshot(3, 3);
        harness.snapshot(4, 4);
        assertEquals(4, operator(harness).snapshots().written(), "one per checkpoint, all above the threshold");
        harness.processElement1(randomPoint(0, 5), 0);
        harness.setProcessingTime(PartitionSnapshots.QUIET_MS - 1);
        harness.snapshot(5, 5);
        assertEquals(0, operator(harness).snapshots().lastWritten(), "1 change is below the threshold");
        harness.processElement1(randomPoint(1, 5), 0); // a trickle keeps the subtask from being quiet
        harness.setProcessingTime(PartitionSnapshots.QUIET_MS + 1);
        harness.snapshot(6, 6);
        assertEquals(0, operator(harness).snapshots().lastWritten());
        harness.setProcessingTime(2 * PartitionSnapshots.QUIET_MS + 1); // the change was seen at checkpoint 6
        harness.snapshot(7, 7);
        assertEquals(1, operator(harness).snapshots().lastWritten(), "quiet long enough: below the threshold too");
        harness.snapshot(8, 8);
        int dirtyPartitions = KEYS.partitionOf(SHOP, PointId.of(0)) == KEYS.partitionOf(SHOP, PointId.of(1)) ? 1 : 2;
        assertEquals(4 + dirtyPartitions, operator(harness).snapshots().written());
        harness.snapshot(9, 9);
        assertEquals(0, operator(harness).snapshots().lastWritten(), "all clean");
    }

    @Test
    void aCollectionDeletedAfterItsBlobIsNotRestoredAndLeavesNoBlob() throws Exception {
        harness = withPoints(SAVEPOINTS_ONLY);
        savepoint(harness, 1);
        harness.processElement2(PartitionInput.of(SHOP_DELETED), 0);
        assertEquals(4, harness.numKeyedStateEntries(), "only the collection tombstones: points and blobs are gone");
        OperatorSubtaskState snapshot = harness.snapshot(2, 2);
        harness.close();

        harness = restored(snapshot, 1, 1, 0, SAVEPOINTS_ONLY);
        assertEquals(0, operator(harness).snapshots().restoredFromBlob());
        assertEquals(0, operator(harness).snapshots().rebuilt());
        assertEquals(List.of(List.of(), List.of(), List.of(), List.of()), answers(harness));
        assertEquals(4, harness.numKeyedStateEntries());
    }

    @Test
    void aBlobOfAnotherIncarnationOrACorruptOneFallsBackToARebuild() throws Exception {
        harness = withPoints(SAVEPOINTS_ONLY);
        savepoint(harness, 1);
        List<List<String>> before = answers(harness);
        IndexPartition op = operator(harness);
        var graphs = op.getKeyedStateStore().getMapState(IndexPartition.GRAPHS);
        for (int partition = 0; partition < 4; partition++) {
            op.setCurrentKey(KEYS.key(partition));
            GraphBlob blob = graphs.get(SHOP);
            byte[] bytes = blob.snapshot().clone();
            bytes[bytes.length / 2] ^= 0x01;
            graphs.put(SHOP, partition % 2 == 0 ? new GraphBlob(1, bytes) : new GraphBlob(7, blob.snapshot()));
        }
        OperatorSubtaskState snapshot = harness.snapshot(2, 2);
        harness.close();

        harness = restored(snapshot, 1, 1, 0, SAVEPOINTS_ONLY);
        assertEquals(0, operator(harness).snapshots().restoredFromBlob());
        assertEquals(4, operator(harness).snapshots().rebuilt());
        assertEquals(before, answers(harness));
        assertEquals(8, harness.numKeyedStateEntries(), "points and collections of 4 partitions: the unusable blobs are removed");
        // the rebuilt indexes are dirty: the next savepoint writes them again
        savepoint(harness, 3);
        assertEquals(4, operator(harness).snapshots().lastWritten());
    }

    @Test
    void blobsOfParallelism2RestoreAt1AndAt3() throws Exception {
        var reference = harness(1, 0, EAGER);
        reference.initializeEmptyState();
        reference.open();
        writePoints(reference, 1, 0);
        List<List<String>> expected = answers(reference);
        reference.close();

        OperatorSubtaskState[] states = new OperatorSubtaskState[2];
        for (int index = 0; index < 2; index++) {
            var h = harness(2, index, SAVEPOINTS_ONLY);
            h.initializeEmptyState();
            h.open();
            writePoints(h, 2, index);
            states[index] = savepoint(h, 1);
            assertEquals(2, operator(h).snapshots().lastWritten());
            h.close();
        }
        OperatorSubtaskState packed = AbstractStreamOperatorTestHarness.repackageState(states);
        for (int parallelism : new int[] {1, 3}) {
            List<KeyedTwoInputStreamOperatorTestHarness<Integer, PointWrite, PartitionInput, PartialResult>> subtasks =
                    new java.util.ArrayList<>();
            int fromBlobs = 0;
            for (int index = 0; index < parallelism; index++) {
                var h = restored(packed, 2, parallelism, index, SAVEPOINTS_ONLY);
                subtasks.add(h);
                fromBlobs += operator(h).snapshots().restoredFromBlob();
                assertEquals(0, operator(h).snapshots().replayed());
                assertEquals(0, operator(h).snapshots().rebuilt());
            }
            assertEquals(4, fromBlobs, "every partition loaded exactly once at parallelism " + parallelism);
            @SuppressWarnings("unchecked")
            var array = subtasks.toArray(new KeyedTwoInputStreamOperatorTestHarness[0]);
            assertEquals(expected, answers(array), "parallelism " + parallelism);
            for (var h : subtasks) {
                h.close();
            }
        }
    }

    @Test
    void dueRepairsRunFromTheTimerOneVectorSpaceAtATime() throws Exception {
        harness = withPoints(EAGER);
        linkAll(harness);
        int key = KEYS.key(KEYS.partitionOf(SHOP, PointId.of(0)));
        var space = operator(harness).index(key, SHOP).space("");
        int live = space.stats().live();
        List<Long> inPartition = new java.util.ArrayList<>();
        for (long id = 0; id < POINTS && inPartition.size() * 10 < live * 3; id++) {
            if (KEYS.key(KEYS.partitionOf(SHOP, PointId.of(id))) == key) {
                inPartition.add(id);
            }
        }
        for (long id : inPartition) {
            harness.processElement1(delete(1, id, null, 1), 0); // 30 % of the graph: due, below the 50 % ceiling
        }
        assertTrue(space.repairDue());
        assertEquals(inPartition.size(), space.stats().tombstones(), "not repaired inside a write");
        List<List<String>> before = answers(harness);
        harness.setProcessingTime(harness.getProcessingTime() + IndexPartition.REPAIR_CHECK_INTERVAL_MS);
        assertEquals(0, space.stats().tombstones());
        assertFalse(space.repairDue());
        assertEquals(before, answers(harness));
    }
}
