package dev.sextant.job.operators;

import static dev.sextant.job.operators.Fixtures.DEAD_LETTERS;
import static dev.sextant.job.operators.Fixtures.KEYS;
import static dev.sextant.job.operators.Fixtures.SHOP_CONFIG;
import static dev.sextant.job.operators.Fixtures.STORE_KEYS;
import static dev.sextant.job.operators.Fixtures.json;
import static dev.sextant.job.operators.Fixtures.ref;
import static dev.sextant.job.operators.Fixtures.routed;
import static dev.sextant.job.operators.Fixtures.side;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sextant.index.PointId;
import dev.sextant.job.protocol.AckPart;
import dev.sextant.job.protocol.CatalogEntry;
import dev.sextant.job.protocol.CollectionChange;
import dev.sextant.job.protocol.CollectionSweep;
import dev.sextant.job.protocol.Lookup;
import dev.sextant.job.protocol.LookupResult;
import dev.sextant.job.protocol.Outbound;
import dev.sextant.job.protocol.PointWrite;
import dev.sextant.job.protocol.RoutedOperation;
import dev.sextant.job.protocol.StoreInput;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CollectionCatalogTest {
    private static final String CREATE_SHOP = """
            {"op":"create_collection","collection":"shop","op_id":"c1","body":{"vectors":{"size":2,"distance":"Dot"}}}""";

    private KeyedOneInputStreamOperatorTestHarness<String, RoutedOperation, StoreInput> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new CollectionCatalog(DEAD_LETTERS, KEYS, STORE_KEYS), RoutedOperation::collection, Types.STRING);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private void send(long offset, String json) throws Exception {
        harness.processElement(routed(offset, json), 0);
    }

    private List<PointWrite> writes() {
        return harness.extractOutputValues().stream().filter(i -> i.write() != null).map(StoreInput::write).toList();
    }

    private List<String> deadLetterReasons() {
        return side(harness, Tags.OUTBOUND).stream().map(o -> json(o).get("reason").asText()).toList();
    }

    @Test
    void createDeleteAndRecreateGetIncreasingIncarnationsPerName() throws Exception {
        send(1, CREATE_SHOP);
        send(2, "{\"op\":\"create_collection\",\"collection\":\"books\",\"body\":{\"vectors\":{\"size\":2,\"distance\":\"Dot\"}}}");
        send(3, "{\"op\":\"delete_collection\",\"collection\":\"shop\",\"op_id\":\"d1\"}");
        send(4, CREATE_SHOP.replace("c1", "c2"));
        assertEquals(List.of(
                        new CollectionChange(new CatalogEntry("shop", 1, SHOP_CONFIG, false), "c1"),
                        new CollectionChange(new CatalogEntry("books", 1, SHOP_CONFIG, false), null),
                        new CollectionChange(new CatalogEntry("shop", 1, null, true), "d1"),
                        new CollectionChange(new CatalogEntry("shop", 2, SHOP_CONFIG, false), "c2")),
                side(harness, Tags.CHANGES));
        // the deletion reaches every key group of the store, through its keyed input
        List<CollectionSweep> sweeps = harness.extractOutputValues().stream().map(StoreInput::sweep).toList();
        assertEquals(128, sweeps.size());
        for (int g = 0; g < 128; g++) {
            CollectionSweep s = sweeps.get(g);
            assertEquals(g, s.keyGroup());
            assertEquals(g, KeyGroupRangeAssignment.assignToKeyGroup(s.storeKey(), 128));
            assertEquals("shop", s.collection());
            assertEquals(1, s.incarnation());
            assertEquals("d1", s.opId());
        }
        assertEquals(List.of(), side(harness, Tags.OUTBOUND));
    }

    @Test
    void conflictsAreRejectedWithQdrantsCodes() throws Exception {
        send(1, CREATE_SHOP);
        send(2, CREATE_SHOP.replace("c1", "c2"));
        send(3, "{\"op\":\"delete_collection\",\"collection\":\"books\",\"op_id\":\"d1\"}");
        assertEquals(1, side(harness, Tags.CHANGES).size());
        List<Outbound> dead = side(harness, Tags.OUTBOUND);
        assertEquals(409, json(dead.get(0)).get("code").asInt());
        assertEquals("Wrong input: Collection `shop` already exists!", json(dead.get(0)).get("reason").asText());
        assertEquals(404, json(dead.get(1)).get("code").asInt());
        assertEquals(List.of(
                        AckPart.failed("c2", 409, "Wrong input: Collection `shop` already exists!"),
                        AckPart.failed("d1", 404, "Not found: Collection `books` doesn't exist!")),
                side(harness, Tags.ACKS));
    }

    @Test
    void aDimensionAboveTheLimitIsA422NamingTheOption() throws Exception {
        harness.close();
        harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new CollectionCatalog(DEAD_LETTERS, KEYS, STORE_KEYS, 3), RoutedOperation::collection, Types.STRING);
        send(1, "{\"op\":\"create_collection\",\"collection\":\"wide\",\"op_id\":\"w\","
                + "\"body\":{\"vectors\":{\"size\":4,\"distance\":\"Dot\"}}}");
        send(2, "{\"op\":\"create_collection\",\"collection\":\"narrow\",\"body\":{\"vectors\":{\"size\":3,\"distance\":\"Dot\"}}}");
        String reason = "Validation error in JSON body: vectors.size: value 4 invalid, must be 3 or smaller"
                + " (sextant.collection.max-dimension)";
        assertEquals(List.of(reason), deadLetterReasons());
        assertEquals(422, json(side(harness, Tags.OUTBOUND).get(0)).get("code").asInt());
        assertEquals(List.of(AckPart.failed("w", 422, reason)), side(harness, Tags.ACKS));
        assertEquals(List.of("narrow"), side(harness, Tags.CHANGES).stream().map(CollectionChange::collection).toList());
    }

    @Test
    void aBodyThatIsNotUtf8IsAcknowledgedUnderTheOpIdTheRouterRead() throws Exception {
        send(1, CREATE_SHOP);
        byte[] before = "{\"op\":\"upsert\",\"collection\":\"shop\",\"op_id\":\"u8\",\"body\":{\"points\":[{\"id\":1,\"vector\":[1,2],\"payload\":{\"a\":\"".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] after = "\"}}]}}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] value = new byte[before.length + 2 + after.length];
        System.arraycopy(before, 0, value, 0, before.length);
        value[before.length] = (byte) 0xC0; // an overlong "/"
        value[before.length + 1] = (byte) 0xAF;
        System.arraycopy(after, 0, value, before.length + 2, after.length);
        dev.sextant.job.kafka.PointOpSchema.Header h = dev.sextant.job.kafka.PointOpSchema.peek(value); // skips the body
        harness.processElement(new RoutedOperation(h.op(), h.collection(), h.opId(),
                new dev.sextant.job.protocol.RawRecord("sextant.points", 0, 2, 0, null, value)), 0);
        String reason = "Format error in JSON body: invalid UTF-8 at byte " + before.length;
        assertEquals(List.of(reason), deadLetterReasons());
        assertEquals(List.of(AckPart.failed("u8", 400, reason)), side(harness, Tags.ACKS));
        assertTrue(writes().isEmpty());
    }

    @Test
    void aDeletedCollectionLeavesOnlyItsTombstone() throws Exception {
        send(1, CREATE_SHOP);
        send(2, "{\"op\":\"delete_collection\",\"collection\":\"shop\"}");
        // the tombstone keeps the incarnation, so a re-created shop gets incarnation 2
        assertEquals(1, harness.numKeyedStateEntries());
        assertEquals(0, harness.numProcessingTimeTimers());
    }

    @Test
    void anUpsertBecomesOneWritePerPoint() throws Exception {
        send(1, CREATE_SHOP);
        send(2, """
                {"op":"upsert","collection":"shop","op_id":"u","body":{"points":[
                  {"id":7,"vector":[1,2],"payload":{"a":1}},{"id":"5c56c793-69f3-4fbf-87e6-c4bf54c28c26","vector":[3,4]}]}}""");
        List<PointWrite> writes = writes();
        assertEquals(2, writes.size());
        PointWrite w = writes.get(0);
        assertEquals(PointId.of(7), w.id());
        assertEquals(1, w.incarnation());
        assertEquals(json(SHOP_CONFIG), json(w.configJson()));
        assertEquals(KEYS.partitionOf("shop", PointId.of(7)), w.partition());
        assertArrayEquals(new String[] {""}, w.vectorNames());
        assertArrayEquals(new float[] {1, 2}, w.vectors()[0]);
        assertEquals(json("{\"a\":1}"), json(w.payloadJson()));
        assertEquals("u", w.opId());
        assertEquals(2, w.opPoints());
        assertNull(writes.get(1).payloadJson());
        assertEquals("5c56c793-69f3-4fbf-87e6-c4bf54c28c26", writes.get(1).id().uuid());
    }

    @Test
    void aDeleteBecomesOneWritePerId() throws Exception {
        send(1, CREATE_SHOP);
        send(2, "{\"op\":\"delete\",\"collection\":\"shop\",\"body\":{\"points\":[1,2]}}");
        List<PointWrite> writes = writes();
        assertEquals(2, writes.size());
        writes.forEach(w -> assertTrue(w.delete()));
        assertEquals(PointId.of(2), writes.get(1).id());
    }

    @Test
    void anOperationWithNoPointsIsAcknowledgedAtOnce() throws Exception {
        send(1, CREATE_SHOP);
        send(2, "{\"op\":\"upsert\",\"collection\":\"shop\",\"op_id\":\"e\",\"body\":{\"points\":[]}}");
        assertTrue(writes().isEmpty());
        assertEquals(List.of(AckPart.empty("e")), side(harness, Tags.ACKS));
    }

    @Test
    void oneBadPointRejectsTheWholeOperation() throws Exception {
        send(1, CREATE_SHOP);
        send(2, """
                {"op":"upsert","collection":"shop","op_id":"bad","body":{"points":[{"id":1,"vector":[1,2]},{"id":2,"vector":[1,2,3]}]}}""");
        assertTrue(writes().isEmpty());
        Outbound dead = side(harness, Tags.OUTBOUND).get(0);
        assertEquals(400, json(dead).get("code").asInt());
        assertTrue(json(dead).get("reason").asText().contains("Vector dimension error: expected dim: 2, got 3"));
        assertEquals("bad", json(dead).get("op_id").asText());
        assertEquals(400, side(harness, Tags.ACKS).get(0).code());
    }

    @Test
    void writesToUnknownOrDeletedCollectionsAreRejected() throws Exception {
        send(1, "{\"op\":\"upsert\",\"collection\":\"nope\",\"op_id\":\"n\",\"body\":{\"points\":[]}}");
        send(2, CREATE_SHOP);
        send(3, "{\"op\":\"delete_collection\",\"collection\":\"shop\"}");
        send(4, "{\"op\":\"delete\",\"collection\":\"shop\",\"op_id\":\"d\",\"body\":{\"points\":[1]}}");
        List<Outbound> dead = side(harness, Tags.OUTBOUND);
        assertEquals(List.of("Not found: Collection `nope` doesn't exist!", "Not found: Collection `shop` doesn't exist!"),
                deadLetterReasons());
        assertEquals(404, json(dead.get(1)).get("code").asInt());
        assertTrue(writes().isEmpty());
    }

    @Test
    void malformedOperationsAreRejected() throws Exception {
        send(1, CREATE_SHOP);
        send(2, "{\"op\":\"upsert\",\"collection\":\"shop\",\"body\":{\"points\":{}}}");
        send(3, "{\"op\":\"upsert\",\"collection\":\"shop\"}");
        send(4, "{\"op\":\"delete\",\"collection\":\"shop\",\"body\":{\"filter\":{\"must\":{\"key\":\"a\",\"geo_radius\":{}}}}}");
        send(5, "{\"op\":\"delete\",\"collection\":\"shop\",\"body\":{\"points\":[-1]}}");
        send(6, "{\"op\":\"upsert\",\"collection\":\"shop\",\"body\":{\"points\":[{\"id\":1,\"vector\":[1e39,0]}]}}");
        send(7, "{\"op\":\"create_collection\",\"collection\":\"x\",\"op_id\":\"c\",\"body\":{\"vectors\":{\"size\":2,\"distance\":\"Cosinus\"}}}");
        send(8, "{\"op\":\"create_collection\",\"collection\":\"y\"}");
        List<String> reasons = deadLetterReasons();
        assertEquals(7, reasons.size(), reasons.toString());
        assertTrue(reasons.get(0).contains("`points` must be an array"), reasons.get(0));
        assertTrue(reasons.get(1).contains("missing field `body`"), reasons.get(1));
        assertTrue(reasons.get(2).contains("filter.must"), reasons.get(2));
        assertTrue(reasons.get(3).contains("point id"), reasons.get(3));
        assertTrue(reasons.get(4).contains("not a finite float32"), reasons.get(4));
        assertTrue(reasons.get(5).contains("unknown variant `Cosinus`"), reasons.get(5));
        assertTrue(reasons.get(6).contains("missing field `body`"), reasons.get(6));
        assertEquals(List.of("c"), side(harness, Tags.ACKS).stream().map(AckPart::opId).toList());
        assertEquals(1, side(harness, Tags.CHANGES).size());
    }

    @Test
    void payloadOperationsOnListedPointsBecomeOneChangePerPoint() throws Exception {
        send(1, CREATE_SHOP);
        send(2, """
                {"op":"set_payload","collection":"shop","op_id":"s","body":{"payload":{"a":1},"points":[3,1,3],"key":"x"}}""");
        send(3, "{\"op\":\"clear_payload\",\"collection\":\"shop\",\"op_id\":\"c\",\"body\":{\"points\":[]}}");
        List<PointWrite> writes = writes();
        assertEquals(List.of(PointId.of(3), PointId.of(1), PointId.of(3)), writes.stream().map(PointWrite::id).toList());
        for (int i = 0; i < 3; i++) {
            PointWrite w = writes.get(i);
            assertEquals("set_payload", w.payloadChange().operation());
            // the body as the index module writes it, the selector emptied: the write names the point
            assertEquals(json("{\"payload\":{\"a\":1},\"points\":[],\"key\":\"x\"}"), json(w.payloadChange().bodyJson()));
            assertEquals(3, w.opPoints());
            assertEquals(i, w.opIndex());
            assertEquals(1, w.incarnation());
            assertEquals(KEYS.partitionOf("shop", w.id()), w.partition());
        }
        // no listed point: nothing to do, acknowledged at once
        assertEquals(List.of(AckPart.empty("c")), side(harness, Tags.ACKS));
    }

    @Test
    void operationsByFilterBecomeSweepsOfEveryKeyGroup() throws Exception {
        send(1, CREATE_SHOP);
        send(2, """
                {"op":"delete_payload","collection":"shop","op_id":"dp","body":{"keys":["a"],"filter":{"must":{"key":"a","match":{"value":1}}}}}""");
        send(3, """
                {"op":"delete","collection":"shop","op_id":"df","body":{"filter":{"must_not":{"has_id":[1]}}}}""");
        List<CollectionSweep> sweeps = harness.extractOutputValues().stream().map(StoreInput::sweep).toList();
        assertEquals(256, sweeps.size());
        CollectionSweep payload = sweeps.get(5);
        assertEquals("delete_payload", payload.operation());
        assertEquals(json("{\"keys\":[\"a\"],\"filter\":{\"must\":{\"key\":\"a\",\"match\":{\"value\":1}}}}"),
                json(payload.bodyJson()));
        assertEquals(5, payload.keyGroup());
        assertEquals(1, payload.incarnation());
        assertEquals(json(SHOP_CONFIG), json(payload.configJson()));
        CollectionSweep delete = sweeps.get(128 + 7);
        assertEquals(CollectionSweep.DELETE, delete.operation());
        assertEquals(json("{\"filter\":{\"must_not\":{\"has_id\":[1]}}}"), json(delete.bodyJson()));
        assertEquals("df", delete.opId());
        assertEquals(List.of(), side(harness, Tags.ACKS));
    }

    @Test
    void badPayloadOperationsAreRejected() throws Exception {
        send(1, CREATE_SHOP);
        send(2, "{\"op\":\"set_payload\",\"collection\":\"shop\",\"op_id\":\"p1\",\"body\":{\"points\":[1]}}");
        send(3, "{\"op\":\"overwrite_payload\",\"collection\":\"shop\",\"op_id\":\"p2\",\"body\":{\"payload\":{}}}");
        send(4, "{\"op\":\"delete_payload\",\"collection\":\"shop\",\"op_id\":\"p3\",\"body\":{\"keys\":\"a\",\"points\":[1]}}");
        send(5, "{\"op\":\"clear_payload\",\"collection\":\"shop\",\"op_id\":\"p4\"}");
        send(6, "{\"op\":\"delete\",\"collection\":\"shop\",\"op_id\":\"p5\",\"body\":{\"ids\":[1]}}");
        send(7, "{\"op\":\"set_payload\",\"collection\":\"nope\",\"op_id\":\"p6\",\"body\":{\"payload\":{},\"points\":[1]}}");
        List<String> reasons = deadLetterReasons();
        assertEquals(6, reasons.size(), reasons.toString());
        assertTrue(reasons.get(0).contains("missing field `payload`"), reasons.get(0));
        assertTrue(reasons.get(1).contains("Either list of point ids or filter must be provided"), reasons.get(1));
        assertTrue(reasons.get(2).contains("keys"), reasons.get(2));
        assertTrue(reasons.get(3).contains("expected an object"), reasons.get(3));
        assertTrue(reasons.get(4).contains("PointsSelector"), reasons.get(4));
        assertEquals("Not found: Collection `nope` doesn't exist!", reasons.get(5));
        assertEquals(List.of("p1", "p2", "p3", "p4", "p5", "p6"), side(harness, Tags.ACKS).stream().map(AckPart::opId).toList());
        assertTrue(side(harness, Tags.ACKS).stream().allMatch(AckPart::rejects));
        assertTrue(harness.extractOutputValues().isEmpty());
    }

    /**
     * The race this operator exists to prevent: create → upsert → delete → create → upsert of one collection (and
     * another collection interleaved) arrive back to back. Every write is validated against the creation right
     * before it, and the catalog's output, fed to a point store of two subtasks, leaves exactly the last
     * incarnation's points.
     */
    @Test
    void createUpsertDropCreateUpsertIsAppliedInOrderDownToTheStore() throws Exception {
        send(1, CREATE_SHOP);
        send(2, "{\"op\":\"create_collection\",\"collection\":\"books\",\"body\":{\"vectors\":{\"size\":1,\"distance\":\"Dot\"}}}");
        send(3, "{\"op\":\"upsert\",\"collection\":\"shop\",\"op_id\":\"u1\",\"body\":{\"points\":[{\"id\":1,\"vector\":[1,0]},{\"id\":2,\"vector\":[2,0]}]}}");
        send(4, "{\"op\":\"upsert\",\"collection\":\"books\",\"body\":{\"points\":[{\"id\":1,\"vector\":[5]}]}}");
        send(5, "{\"op\":\"delete_collection\",\"collection\":\"shop\",\"op_id\":\"d1\"}");
        send(6, "{\"op\":\"create_collection\",\"collection\":\"shop\",\"op_id\":\"c2\",\"body\":{\"vectors\":{\"size\":3,\"distance\":\"Dot\"}}}");
        send(7, "{\"op\":\"upsert\",\"collection\":\"shop\",\"op_id\":\"u2\",\"body\":{\"points\":[{\"id\":2,\"vector\":[0,0,1]},{\"id\":3,\"vector\":[0,1,0]}]}}");

        assertEquals(List.of(), deadLetterReasons());
        List<PointWrite> writes = writes();
        assertEquals(List.of("shop/1@1", "shop/2@1", "books/1@1", "shop/2@2", "shop/3@2"),
                writes.stream().map(w -> w.collection() + "/" + w.id() + "@" + w.incarnation()).toList());

        // Feed everything, in the catalog's order, to a store of two subtasks, as the keyed exchange would.
        List<KeyedOneInputStreamOperatorTestHarness<String, StoreInput, PointWrite>> stores = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            var store = new KeyedOneInputStreamOperatorTestHarness<String, StoreInput, PointWrite>(
                    new PointStore(STORE_KEYS, KEYS), StoreInput::storeKey, Types.STRING, 128, 2, i);
            store.open();
            stores.add(store);
        }
        for (StoreInput in : harness.extractOutputValues()) {
            stores.get(KeyGroupRangeAssignment.assignKeyToParallelOperator(in.storeKey(), 128, 2)).processElement(in, 0);
        }
        List<String> found = new ArrayList<>();
        for (long id = 1; id <= 3; id++) {
            for (long incarnation = 1; incarnation <= 2; incarnation++) {
                Lookup lookup = new Lookup(ref("t", 0), "shop", incarnation, PointId.of(id));
                var store = stores.get(KeyGroupRangeAssignment.assignKeyToParallelOperator(lookup.storeKey(), 128, 2));
                store.processElement(StoreInput.of(lookup), 0);
                List<LookupResult> results = side(store, Tags.LOOKUP_RESULTS);
                if (results.get(results.size() - 1).found()) {
                    found.add("shop/" + id + "@" + incarnation);
                }
            }
        }
        assertEquals(List.of("shop/2@2", "shop/3@2"), found);
        int entries = 0;
        for (var store : stores) {
            // each subtask acknowledged the deletion once
            assertEquals(List.of(AckPart.stageApplied("d1", PointStore.STAGE, CollectionChange.DELETE_ACK_STAGES, 2)),
                    side(store, Tags.ACKS));
            entries += Fixtures.keyedStateEntries(store);
            store.close();
        }
        assertEquals(3, entries); // shop 2 and 3 of incarnation 2, books 1
    }
}
