package dev.sextant.job.operators;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sextant.index.PointId;
import dev.sextant.job.kafka.PointOpSchema;
import dev.sextant.job.protocol.CatalogEntry;
import dev.sextant.job.protocol.CollectionChange;
import dev.sextant.job.protocol.Json;
import dev.sextant.job.protocol.Outbound;
import dev.sextant.job.protocol.PointWrite;
import dev.sextant.job.protocol.RawRecord;
import dev.sextant.job.protocol.RequestRef;
import dev.sextant.job.protocol.RoutedOperation;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;

/** Named values for the operator tests, so each test reads as a timeline. */
final class Fixtures {
    private Fixtures() {}

    static final String POINTS_TOPIC = "sextant.points";
    static final String REQUESTS_TOPIC = "sextant.requests";
    static final String RESULTS = "sextant.results";
    static final String DEAD_LETTERS = "sextant.dead-letter";
    static final int MAX_BYTES = 1 << 20;
    static final long TIMEOUT_MS = 30_000;

    static final String SHOP = "shop";
    /** shop: 2-dimensional, Dot. */
    static final String SHOP_CONFIG = "{\"size\":2,\"distance\":\"Dot\"}";
    static final CatalogEntry SHOP_1 = new CatalogEntry(SHOP, 1, SHOP_CONFIG, false);
    static final CollectionChange SHOP_CREATED = new CollectionChange(SHOP_1, "create-shop");
    static final CollectionChange SHOP_DELETED = new CollectionChange(new CatalogEntry(SHOP, 1, null, true), "drop-shop");
    static final CatalogEntry SHOP_2 = new CatalogEntry(SHOP, 2, "{\"size\":3,\"distance\":\"Dot\"}", false);

    static final PartitionKeys KEYS = new PartitionKeys(4, 128);
    static final KeyGroupKeys STORE_KEYS = new KeyGroupKeys(128);

    static RawRecord record(String topic, long offset, String value) {
        return new RawRecord(topic, 0, offset, 1_000L, null, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    static RawRecord pointOp(long offset, String value) {
        return record(POINTS_TOPIC, offset, value);
    }

    /** A point operation as the router passes it on (its envelope read). */
    static RoutedOperation routed(long offset, String value) {
        PointOpSchema.Header h = PointOpSchema.peek(value.getBytes(StandardCharsets.UTF_8));
        return new RoutedOperation(h.op(), h.collection(), h.opId(), pointOp(offset, value));
    }

    static RawRecord request(long offset, String value) {
        return record(REQUESTS_TOPIC, offset, value);
    }

    /** An upsert of one 2-dimensional point of shop incarnation {@code incarnation}. */
    static PointWrite upsert(long incarnation, long id, float x, float y, String opId, int opPoints) {
        return new PointWrite(SHOP, incarnation, SHOP_CONFIG, PointId.of(id), KEYS.partitionOf(SHOP, PointId.of(id)), false,
                new String[] {""}, new float[][] {{x, y}}, "{\"n\":" + id + "}", null, opId, opPoints, 0);
    }

    static PointWrite delete(long incarnation, long id, String opId, int opPoints) {
        return new PointWrite(SHOP, incarnation, SHOP_CONFIG, PointId.of(id), KEYS.partitionOf(SHOP, PointId.of(id)), true,
                null, null, null, null, opId, opPoints, 0);
    }

    static RequestRef ref(String ticket, long receivedAtMillis) {
        return new RequestRef(ticket, "r-" + ticket, RESULTS, receivedAtMillis * 1000);
    }

    static JsonNode json(String text) {
        return Json.readTrusted(text);
    }

    static JsonNode json(Outbound out) {
        return Json.readTrusted(out.value());
    }

    static <T> List<T> side(AbstractStreamOperatorTestHarness<?> harness, OutputTag<T> tag) {
        var queue = harness.getSideOutput(tag);
        return queue == null ? List.of() : queue.stream().map(StreamRecord::getValue).collect(Collectors.toList());
    }

    /** Keyed state entries left in a harness on the (default) heap backend. */
    static int keyedStateEntries(AbstractStreamOperatorTestHarness<?> harness) {
        return ((HeapKeyedStateBackend<?>) harness.getOperator().getKeyedStateBackend()).numKeyValueStateEntries();
    }
}
