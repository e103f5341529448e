package dev.sextant.job.operators;

import static dev.sextant.job.operators.Fixtures.SHOP;
import static dev.sextant.job.operators.Fixtures.SHOP_CREATED;
import static dev.sextant.job.operators.Fixtures.SHOP_DELETED;
import static dev.sextant.job.operators.Fixtures.delete;
import static dev.sextant.job.operators.Fixtures.keyedStateEntries;
import static dev.sextant.job.operators.Fixtures.ref;
import static dev.sextant.job.operators.Fixtures.side;
import static dev.sextant.job.operators.Fixtures.upsert;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sextant.index.PointId;
import dev.sextant.job.protocol.AckPart;
import dev.sextant.job.protocol.CollectionChange;
import dev.sextant.job.protocol.Lookup;
import dev.sextant.job.protocol.LookupResult;
import dev.sextant.job.protocol.PointWrite;
import dev.sextant.job.protocol.StoreInput;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PointStoreTest {
    private KeyedBroadcastOperatorTestHarness<String, StoreInput, CollectionChange, PointWrite> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new PointStore(), StoreInput::storeKey, Types.STRING, PointOpParser.CATALOG);
        harness.processBroadcastElement(SHOP_CREATED, 0);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private LookupResult lookup(long incarnation, long id) throws Exception {
        harness.processElement(StoreInput.of(new Lookup(ref("t" + id, 0), SHOP, incarnation, PointId.of(id))), 0);
        List<LookupResult> results = side(harness, Tags.LOOKUP_RESULTS);
        return results.get(results.size() - 1);
    }

    @Test
    void writesAreStoredAndPassedOn() throws Exception {
        PointWrite w = upsert(1, 7, 1, 2, "u", 1);
        harness.processElement(StoreInput.of(w), 0);
        List<PointWrite> out = harness.extractOutputValues();
        assertEquals(1, out.size());
        assertEquals(w.storeKey(), out.get(0).storeKey());
        assertEquals("u", out.get(0).opId());
        LookupResult found = lookup(1, 7);
        assertTrue(found.found());
        assertArrayEquals(new float[] {1, 2}, found.vectors()[0]);
        assertEquals("r-t7", found.ref().requestId());
        // a lookup planned against another incarnation does not see it
        assertFalse(lookup(2, 7).found());
        assertFalse(lookup(1, 8).found());
    }

    @Test
    void deletesClearThePoint() throws Exception {
        harness.processElement(StoreInput.of(upsert(1, 7, 1, 2, null, 1)), 0);
        harness.processElement(StoreInput.of(delete(1, 7, "d", 1)), 0);
        assertEquals(2, harness.extractOutputValues().size());
        assertFalse(lookup(1, 7).found());
        assertEquals(0, keyedStateEntries(harness));
    }

    @Test
    void deletingTheCollectionSweepsItsPointsAndStaleWritesAreDroppedButCounted() throws Exception {
        harness.processElement(StoreInput.of(upsert(1, 7, 1, 2, null, 1)), 0);
        harness.processElement(StoreInput.of(upsert(1, 8, 3, 4, null, 1)), 0);
        harness.processBroadcastElement(SHOP_DELETED, 0);
        assertEquals(0, keyedStateEntries(harness));
        harness.processElement(StoreInput.of(upsert(1, 9, 5, 6, "late", 1)), 0);
        assertEquals(2, harness.extractOutputValues().size()); // the late write was not passed on
        assertEquals(List.of(
                        AckPart.stageApplied("create-shop", PointStore.STAGE, 1),
                        AckPart.stageApplied("drop-shop", PointStore.STAGE, 1),
                        AckPart.point("late", 1)),
                side(harness, Tags.ACKS));
        assertEquals(0, keyedStateEntries(harness));
        assertEquals(0, harness.numProcessingTimeTimers());
    }

    @Test
    void aWriteForAnIncarnationNotYetSeenIsApplied() throws Exception {
        // the parser saw incarnation 2 before this store subtask did
        harness.processElement(StoreInput.of(upsert(2, 7, 1, 2, null, 1)), 0);
        assertEquals(1, harness.extractOutputValues().size());
        assertTrue(lookup(2, 7).found());
    }
}
