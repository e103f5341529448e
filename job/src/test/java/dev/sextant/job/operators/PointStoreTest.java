package dev.sextant.job.operators;

import static dev.sextant.job.operators.Fixtures.KEYS;
import static dev.sextant.job.operators.Fixtures.SHOP;
import static dev.sextant.job.operators.Fixtures.SHOP_CONFIG;
import static dev.sextant.job.operators.Fixtures.STORE_KEYS;
import static dev.sextant.job.operators.Fixtures.delete;
import static dev.sextant.job.operators.Fixtures.json;
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
import dev.sextant.job.protocol.PayloadChange;
import dev.sextant.job.protocol.PointWrite;
import dev.sextant.job.protocol.StoreInput;
import dev.sextant.job.protocol.StoredPoint;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PointStoreTest {
    private KeyedOneInputStreamOperatorTestHarness<String, StoreInput, PointWrite> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new PointStore(STORE_KEYS, KEYS), StoreInput::storeKey,
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

    /** Every copy of the deletion of shop incarnation {@code incarnation}, as the catalog sends them. */
    private void sweep(long incarnation, String opId) throws Exception {
        sweep(incarnation, CollectionSweep.DELETE_COLLECTION, null, opId);
    }

    /** Every copy of a sweep of shop incarnation {@code incarnation}, as the catalog sends them. */
    private void sweep(long incarnation, String operation, String bodyJson, String opId) throws Exception {
        for (int g = 0; g < STORE_KEYS.keyGroups(); g++) {
            harness.processElement(StoreInput.of(new CollectionSweep(STORE_KEYS.key(g), g, SHOP, incarnation, SHOP_CONFIG,
                    operation, bodyJson, opId)), 0);
        }
    }

    /** A payload change of shop point {@code id} (incarnation 1), position {@code index} of an operation of n points. */
    private static PointWrite change(long id, String operation, String bodyJson, String opId, int n, int index) {
        return new PointWrite(SHOP, 1, SHOP_CONFIG, PointId.of(id), KEYS.partitionOf(SHOP, PointId.of(id)), false, null,
                null, null, new PayloadChange(operation, bodyJson), opId, n, index);
    }

    private List<String> storedPayloads(long... ids) throws Exception {
        List<String> payloads = new ArrayList<>();
        KeyedStateBackend<String> backend = ((PointStore) harness.getOperator()).getKeyedStateBackend();
        for (long id : ids) {
            backend.setCurrentKey(PointWrite.storeKey(SHOP, PointId.of(id)));
            StoredPoint p = backend.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                    PointStore.POINT).value();
            payloads.add(p == null ? null : p.payloadJson());
        }
        return payloads;
    }

    @Test
    void aPayloadChangeAppliesToTheStoredPointAndSendsItsNextVersionOn() throws Exception {
        harness.processElement(StoreInput.of(upsert(1, 7, 1, 2, null, 1)), 0);
        String body = "{\"payload\":{\"a\":1},\"points\":[]}";
        harness.processElement(StoreInput.of(change(7, "set_payload", body, "s", 2, 0)), 0);
        harness.processElement(StoreInput.of(change(8, "set_payload", body, "s", 2, 1)), 0);
        List<PointWrite> out = harness.extractOutputValues();
        assertEquals(2, out.size());
        PointWrite next = out.get(1);
        assertEquals(PointId.of(7), next.id());
        assertEquals(null, next.payloadChange());
        assertFalse(next.delete());
        assertArrayEquals(new float[] {1, 2}, next.vectors()[0]);
        assertEquals(json("{\"n\":7,\"a\":1}"), json(next.payloadJson()));
        assertEquals("s", next.opId());
        assertEquals(2, next.opPoints());
        assertEquals(List.of(json("{\"n\":7,\"a\":1}")), storedPayloads(7).stream().map(Fixtures::json).toList());
        // point 8 does not exist: Qdrant's 404, counted for the operation, which fails once complete
        assertEquals(List.of(AckPart.pointFailed("s", 2, 1, 404, "Not found: No point with id 8 found")),
                side(harness, Tags.ACKS));
    }

    @Test
    void aPayloadChangeDoesNotReachAPointOfAnotherIncarnation() throws Exception {
        harness.processElement(StoreInput.of(upsert(2, 7, 1, 2, null, 1)), 0);
        harness.processElement(StoreInput.of(change(7, "clear_payload", "{\"points\":[]}", "c", 1, 0)), 0);
        assertEquals(1, harness.extractOutputValues().size());
        assertEquals(404, side(harness, Tags.ACKS).get(0).code());
    }

    @Test
    void aDeleteByFilterRemovesTheAdmittedPointsAndReportsTheirCount() throws Exception {
        for (long id = 1; id <= 4; id++) {
            harness.processElement(StoreInput.of(upsert(1, id, id, 0, null, 1)), 0);
        }
        sweep(1, CollectionSweep.DELETE, "{\"filter\":{\"must\":{\"key\":\"n\",\"range\":{\"gte\":3}}}}", "df");
        List<PointWrite> out = harness.extractOutputValues().subList(4, harness.extractOutputValues().size());
        assertEquals(List.of(PointId.of(3), PointId.of(4)), out.stream().map(PointWrite::id).sorted().toList());
        out.forEach(w -> {
            assertTrue(w.delete());
            assertEquals(PointWrite.SWEPT, w.opPoints());
            assertEquals(KEYS.partitionOf(SHOP, w.id()), w.partition());
        });
        assertTrue(lookup(1, 2).found());
        assertFalse(lookup(1, 3).found());
        assertEquals(List.of(AckPart.pointsChanged("df", 2),
                        AckPart.stageApplied("df", PointStore.STAGE, AckPart.FILTER_OPERATION_GROUPS, 1)),
                side(harness, Tags.ACKS));
    }

    @Test
    void aPayloadOperationByFilterChangesOnlyAdmittedPointsOfItsCollection() throws Exception {
        for (long id = 1; id <= 3; id++) {
            harness.processElement(StoreInput.of(upsert(1, id, id, 0, null, 1)), 0);
        }
        PointWrite other = new PointWrite("books", 1, SHOP_CONFIG, PointId.of(1), 0, false, new String[] {""},
                new float[][] {{1, 1}}, "{\"n\":1}", null, null, 1, 0);
        harness.processElement(StoreInput.of(other), 0);
        sweep(1, "overwrite_payload", "{\"payload\":{\"b\":true},\"filter\":{\"must\":{\"key\":\"n\",\"match\":{\"any\":[1,3]}}}}",
                "op");
        List<PointWrite> out = harness.extractOutputValues().subList(4, harness.extractOutputValues().size());
        assertEquals(List.of(PointId.of(1), PointId.of(3)), out.stream().map(PointWrite::id).sorted().toList());
        out.forEach(w -> assertEquals(json("{\"b\":true}"), json(w.payloadJson())));
        assertEquals(List.of("{\"b\":true}", "{\"n\":2}", "{\"b\":true}"), storedPayloads(1, 2, 3));
        assertEquals(AckPart.pointsChanged("op", 2), side(harness, Tags.ACKS).get(0));
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
                new String[] {""}, new float[][] {{1, 1}}, null, null, null, 1, 0);
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
