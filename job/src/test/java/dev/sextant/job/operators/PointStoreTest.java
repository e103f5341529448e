package dev.sextant.job.operators;

import static dev.sextant.job.operators.Fixtures.SHOP;
import static dev.sextant.job.operators.Fixtures.STORE_KEYS;
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
import dev.sextant.job.protocol.CollectionSweep;
import dev.sextant.job.protocol.Lookup;
import dev.sextant.job.protocol.LookupResult;
import dev.sextant.job.protocol.PointWrite;
import dev.sextant.job.protocol.StoreInput;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PointStoreTest {
    private KeyedOneInputStreamOperatorTestHarness<String, StoreInput, PointWrite> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new PointStore(STORE_KEYS), StoreInput::storeKey,
                Types.STRING, 128, 1, 0);
        harness.open();
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

    /** Every copy of the sweep of shop incarnation {@code incarnation}, as the catalog sends them. */
    private void sweep(long incarnation, String opId) throws Exception {
        for (int g = 0; g < STORE_KEYS.keyGroups(); g++) {
            harness.processElement(StoreInput.of(new CollectionSweep(STORE_KEYS.key(g), g, SHOP, incarnation, opId)), 0);
        }
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
    void aSweepClearsTheIncarnationOnceAndLeavesOtherCollectionsAlone() throws Exception {
        harness.processElement(StoreInput.of(upsert(1, 7, 1, 2, null, 1)), 0);
        harness.processElement(StoreInput.of(upsert(1, 8, 3, 4, null, 1)), 0);
        PointWrite other = new PointWrite("books", 1, "{\"size\":2,\"distance\":\"Dot\"}", PointId.of(7), 0, false,
                new String[] {""}, new float[][] {{1, 1}}, null, null, 1);
        harness.processElement(StoreInput.of(other), 0);
        sweep(1, "drop-shop");
        assertEquals(1, keyedStateEntries(harness)); // books 7
        assertFalse(lookup(1, 7).found());
        // one subtask: one acknowledgment, however many key groups it owns
        assertEquals(List.of(AckPart.stageApplied("drop-shop", PointStore.STAGE, CollectionChange.DELETE_ACK_STAGES, 1)),
                side(harness, Tags.ACKS));
        // the sweep passes nothing on: the partitions hear of the deletion by broadcast
        assertEquals(3, harness.extractOutputValues().size());
        assertEquals(0, harness.numProcessingTimeTimers());
    }

    @Test
    void aSweepOfAnOlderIncarnationLeavesANewerOneAlone() throws Exception {
        harness.processElement(StoreInput.of(upsert(2, 7, 1, 2, null, 1)), 0);
        sweep(1, null);
        assertTrue(lookup(2, 7).found());
        assertEquals(List.of(), side(harness, Tags.ACKS));
    }
}
