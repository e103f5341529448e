package dev.sextant.job.operators;

import static dev.sextant.job.operators.Fixtures.DEAD_LETTERS;
import static dev.sextant.job.operators.Fixtures.SHOP_CONFIG;
import static dev.sextant.job.operators.Fixtures.json;
import static dev.sextant.job.operators.Fixtures.pointOp;
import static dev.sextant.job.operators.Fixtures.side;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sextant.job.protocol.AckPart;
import dev.sextant.job.protocol.CatalogEntry;
import dev.sextant.job.protocol.CollectionChange;
import dev.sextant.job.protocol.CollectionCommand;
import dev.sextant.job.protocol.Outbound;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CollectionCatalogTest {
    private KeyedOneInputStreamOperatorTestHarness<String, CollectionCommand, CollectionChange> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new CollectionCatalog(DEAD_LETTERS), c -> CollectionCatalog.KEY, Types.STRING);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private static CollectionCommand create(String name, String opId) {
        return new CollectionCommand(true, name, SHOP_CONFIG, opId, pointOp(1, "{}"));
    }

    private static CollectionCommand delete(String name, String opId) {
        return new CollectionCommand(false, name, null, opId, pointOp(2, "{}"));
    }

    @Test
    void createDeleteAndRecreateGetIncreasingIncarnations() throws Exception {
        harness.processElement(create("shop", "c1"), 0);
        harness.processElement(create("books", null), 0);
        harness.processElement(delete("shop", "d1"), 0);
        harness.processElement(create("shop", "c2"), 0);
        assertEquals(List.of(
                        new CollectionChange(new CatalogEntry("shop", 1, SHOP_CONFIG, false), "c1"),
                        new CollectionChange(new CatalogEntry("books", 2, SHOP_CONFIG, false), null),
                        new CollectionChange(new CatalogEntry("shop", 1, null, true), "d1"),
                        new CollectionChange(new CatalogEntry("shop", 3, SHOP_CONFIG, false), "c2")),
                harness.extractOutputValues());
        assertEquals(List.of(), side(harness, Tags.OUTBOUND));
    }

    @Test
    void conflictsAreRejectedWithQdrantsCodes() throws Exception {
        harness.processElement(create("shop", "c1"), 0);
        harness.processElement(create("shop", "c2"), 0);
        harness.processElement(delete("books", "d1"), 0);
        assertEquals(1, harness.extractOutputValues().size());
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
    void aDeletedCollectionLeavesOnlyTheIncarnationCounter() throws Exception {
        harness.processElement(create("shop", null), 0);
        harness.processElement(delete("shop", null), 0);
        // the catalog's state lives as long as the job; after a delete only the counter remains
        assertEquals(1, harness.numKeyedStateEntries());
        assertEquals(0, harness.numProcessingTimeTimers());
    }
}
