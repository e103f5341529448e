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
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sextant.index.PointId;
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
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
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
}
