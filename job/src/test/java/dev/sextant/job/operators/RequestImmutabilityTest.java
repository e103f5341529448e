package dev.sextant.job.operators;

import static dev.sextant.job.operators.Fixtures.KEYS;
import static dev.sextant.job.operators.Fixtures.SHOP;
import static dev.sextant.job.operators.Fixtures.SHOP_1;
import static dev.sextant.job.operators.Fixtures.SHOP_CREATED;
import static dev.sextant.job.operators.Fixtures.ref;
import static dev.sextant.job.operators.Fixtures.upsert;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.sextant.index.PointId;
import dev.sextant.job.protocol.CatalogEntry;
import dev.sextant.job.protocol.Hit;
import dev.sextant.job.protocol.LookupResult;
import dev.sextant.job.protocol.PartialResult;
import dev.sextant.job.protocol.PartitionInput;
import dev.sextant.job.protocol.PlannedRequest;
import dev.sextant.job.protocol.PointWrite;
import dev.sextant.job.protocol.ResolvedRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * A request is immutable once broadcast (issue 3): the one {@link ResolvedRequest} object every index subtask of a
 * process would share (object reuse, or chaining) comes out of every search exactly as it went in, and searching
 * it again gives the same answer. Its only mutable parts are arrays ({@code queries}); the queries are JSON strings
 * each partition parses into its own objects (design §5).
 */
class RequestImmutabilityTest {

    /** Bytes of {@code value} under Flink's serializer for its type: equal bytes, equal value. */
    private static <T> byte[] bytes(T value, Class<T> type) throws Exception {
        TypeSerializer<T> serializer = TypeInformation.of(type).createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(value, out);
        return out.getCopyOfBuffer();
    }

    @Test
    void theBroadcastRequestIsUnchangedAfterEveryPartitionSearchedIt() throws Exception {
        // a batch of four searches: raw vector with a filter, a recommendation resolved from an example, a discover,
        // and a scroll with an offset
        PlannedRequest plan = new PlannedRequest(ref("t", 0), true, SHOP, """
                {"searches":[
                  {"query":[1,0],"filter":{"must":{"key":"n","range":{"gte":2}}},"with_payload":true,"with_vector":true},
                  {"query":{"recommend":{"positive":[3],"negative":[[0,1]],"strategy":"best_score"}},"limit":3},
                  {"query":{"discover":{"target":[1,1],"context":[{"positive":[1,0],"negative":[0,1]}]}},"limit":2},
                  {"limit":2,"offset":1,"with_payload":["n"]}]}""",
                new CatalogEntry[] {SHOP_1}, 1);
        LookupResult example = new LookupResult(plan.ref(), SHOP, PointId.of(3), true, new String[] {""},
                new float[][] {{3, 0}});
        ResolvedRequest request = RequestResolver.resolve(plan, Map.of("shop\0" + 3, example));
        byte[] before = bytes(request, ResolvedRequest.class);
        String[] queries = request.queries();
        List<String> queryTexts = List.of(queries.clone());

        List<KeyedTwoInputStreamOperatorTestHarness<Integer, PointWrite, PartitionInput, PartialResult>> subtasks =
                new ArrayList<>();
        for (int index = 0; index < 2; index++) {
            var h = new KeyedTwoInputStreamOperatorTestHarness<Integer, PointWrite, PartitionInput, PartialResult>(
                    new IndexPartition(KEYS, IndexSettings.defaults()), w -> KEYS.key(w.partition()), null, Types.INT,
                    128, 2, index);
            h.setup();
            h.initializeEmptyState();
            h.open();
            h.processElement2(PartitionInput.of(SHOP_CREATED), 0);
            subtasks.add(h);
        }
        for (long id = 1; id <= 8; id++) {
            PointWrite w = upsert(1, id, id, id % 3, null, 1);
            int owner = KeyGroupRangeAssignment.assignKeyToParallelOperator(KEYS.key(w.partition()), 128, 2);
            subtasks.get(owner).processElement1(w, 0);
        }

        // the very same object, twice to every subtask (as object reuse would hand it on)
        PartitionInput input = PartitionInput.of(request);
        for (int round = 0; round < 2; round++) {
            for (var h : subtasks) {
                h.processElement2(input, 0);
            }
        }

        assertArrayEquals(before, bytes(request, ResolvedRequest.class), "the request was changed by a search");
        assertSame(queries, request.queries());
        assertEquals(queryTexts, Arrays.asList(request.queries()));
        int filtered = 0;
        for (var h : subtasks) {
            List<PartialResult> answers = h.extractOutputValues();
            assertEquals(2, answers.size());
            filtered += answers.get(0).hits()[0].length;
            assertEquals(render(answers.get(0)), render(answers.get(1)), "the same request answered differently");
            h.close();
        }
        assertEquals(7, filtered); // points 2..8 pass the filter of the first search, spread over both subtasks
    }

    @Test
    void mergingDoesNotChangeThePartials() throws Exception {
        PartialResult a = new PartialResult(ref("t", 0), false, 2,
                new Hit[][] {{new Hit(PointId.of(5), 2f, "{\"n\":5}", null), new Hit(PointId.of(1), 2f, null, null)}},
                new int[] {1}, new int[] {2}, new boolean[] {false}, 0, null);
        PartialResult b = new PartialResult(ref("t", 0), false, 2,
                new Hit[][] {{new Hit(PointId.of(3), 2f, null, "[1.0]"), new Hit(PointId.of(2), 1f, null, null)}},
                new int[] {1}, new int[] {2}, new boolean[] {false}, 0, null);
        byte[] beforeA = bytes(a, PartialResult.class);
        byte[] beforeB = bytes(b, PartialResult.class);
        List<Hit> first = MergeTopK.merge(List.of(a, b), 0, false, 1, 2);
        List<Hit> second = MergeTopK.merge(List.of(b, a), 0, false, 1, 2);
        // ties (score 2) by id: 1, 3, 5; the page after offset 1 is 3, 5, whichever partial came first
        assertEquals(List.of(PointId.of(3), PointId.of(5)), first.stream().map(Hit::id).toList());
        assertEquals(first, second);
        assertArrayEquals(beforeA, bytes(a, PartialResult.class));
        assertArrayEquals(beforeB, bytes(b, PartialResult.class));
    }

    /** A partial's hits as text (records with arrays compare by reference). */
    private static String render(PartialResult p) {
        StringBuilder sb = new StringBuilder();
        for (Hit[] search : p.hits()) {
            sb.append(Arrays.toString(search)).append('\n');
        }
        return sb.toString();
    }
}
