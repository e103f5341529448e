package dev.sextant.index.query;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sextant.index.Distance;
import dev.sextant.index.PointId;
import dev.sextant.index.filter.JsonPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@link ResolvedQuery#toJson()} / {@link ResolvedQuery#fromJson}: every field, floats bit-exact. */
class ResolvedQueryCodecTest {

    static float[] randomVector(Random r, int dim) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            float f;
            do {
                f = Float.intBitsToFloat(r.nextInt()); // any finite float: subnormals, huge, tiny
            } while (!Float.isFinite(f));
            v[i] = f;
        }
        return v;
    }

    static ResolvedQuery roundTrip(ResolvedQuery q) {
        ResolvedQuery back = ResolvedQuery.fromJson(q.toJson());
        assertEquals(q.toJson(), back.toJson(), "stable encoding");
        return back;
    }

    static void assertBits(float[] want, float[] got) {
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(got[i]), "component " + i + ": " + want[i] + " vs " + got[i]);
        }
    }

    @Test
    void everyFiniteFloatRoundTripsBitExactly() {
        Random r = new Random(42);
        for (int i = 0; i < 200; i++) {
            float[] v = randomVector(r, 64);
            ResolvedQuery q = new ResolvedQuery("", Distance.DOT, new Nearest(v), null, List.of(), 10, 0, v[0],
                    PayloadSelector.NONE, VectorSelector.NONE, SearchParams.DEFAULT);
            ResolvedQuery back = roundTrip(q);
            assertBits(v, ((Nearest) back.query()).vector());
            assertEquals(Float.floatToIntBits(v[0]), Float.floatToIntBits(back.scoreThreshold()));
        }
        float[] edges = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_NORMAL,
                0.1f, 1.0e-45f, 3.4028235e38f, 1.1920929e-7f, 16777217f};
        ResolvedQuery q = new ResolvedQuery("", Distance.DOT, new Nearest(edges), null, List.of(), 1, 0, null,
                PayloadSelector.NONE, VectorSelector.NONE, SearchParams.DEFAULT);
        assertBits(edges, ((Nearest) roundTrip(q).query()).vector());
    }

    @Test
    void everyQueryKindRoundTrips() {
        Random r = new Random(1);
        float[] a = randomVector(r, 3);
        float[] b = randomVector(r, 3);
        float[] c = randomVector(r, 3);
        List<Query> kinds = List.of(
                new Nearest(a),
                new Nearest(b, true),
                new RecommendBestScore(List.of(a, b), List.of(c)),
                new RecommendBestScore(List.of(), List.of(c)),
                new RecommendSumScores(List.of(a), List.of()),
                new Discover(a, List.of(new ContextPair(b, c), new ContextPair(c, b))),
                new Discover(a, List.of()),
                new Context(List.of(new ContextPair(b, c))));
        for (Query kind : kinds) {
            ResolvedQuery q = new ResolvedQuery("img", Distance.EUCLID, kind, null, List.of(), 5, 2, null,
                    PayloadSelector.NONE, VectorSelector.NONE, SearchParams.DEFAULT);
            Query back = roundTrip(q).query();
            assertEquals(kind.getClass(), back.getClass());
            if (kind instanceof Nearest n) {
                assertEquals(n.combination(), ((Nearest) back).combination());
            }
            List<float[]> want = kind.vectors();
            List<float[]> got = back.vectors();
            assertEquals(want.size(), got.size(), kind.getClass().getSimpleName());
            for (int i = 0; i < want.size(); i++) {
                assertBits(want.get(i), got.get(i));
            }
        }
        if (roundTrip(new ResolvedQuery("", Distance.DOT, new RecommendBestScore(List.of(a), List.of(b, c)), null, List.of(),
                1, 0, null, PayloadSelector.NONE, VectorSelector.NONE, SearchParams.DEFAULT)).query() instanceof RecommendBestScore rb) {
            assertEquals(1, rb.positives().size());
            assertEquals(2, rb.negatives().size());
        }
    }

    @Test
    void optionsRoundTrip() {
        List<PointId> excluded = new ArrayList<>(List.of(PointId.of(3), PointId.of(-1L), PointId.of(UUID.fromString("00000000-0000-0000-0000-00000000000a"))));
        ResolvedQuery q = new ResolvedQuery("text", Distance.MANHATTAN, new Nearest(new float[] {1, 2}),
                "{\"must\":[{\"key\":\"n\",\"range\":{\"gte\":2,\"lt\":6.5}}],\"should\":[]}", excluded, 7, 3, 2.5f,
                new PayloadSelector(PayloadSelector.Mode.EXCLUDE, List.of(JsonPath.parse("a.b"))),
                new VectorSelector(false, List.of("text")), new SearchParams(true, 256));
        ResolvedQuery back = roundTrip(q);
        assertEquals("text", back.using());
        assertEquals(Distance.MANHATTAN, back.distance());
        assertTrue(back.ascending());
        assertEquals(excluded, back.excluded());
        assertEquals(7, back.limit());
        assertEquals(3, back.offset());
        assertEquals(2.5f, back.scoreThreshold());
        assertEquals(q.withPayload(), back.withPayload());
        assertEquals(q.withVector(), back.withVector());
        assertEquals(new SearchParams(true, 256), back.params());
        assertEquals(q.filter(), back.filter());
        assertEquals(0, back.filter().should().size(), "an empty should list survives (it admits nothing)");
    }

    @Test
    void aQueryWithoutQueryRoundTrips() {
        ResolvedQuery q = new ResolvedQuery("", Distance.COSINE, null, null, List.of(), 10, 0, null,
                PayloadSelector.ALL, VectorSelector.ALL, SearchParams.DEFAULT);
        ResolvedQuery back = roundTrip(q);
        assertNull(back.query());
        assertNull(back.filter());
        assertEquals(PayloadSelector.ALL, back.withPayload());
        assertEquals(VectorSelector.ALL, back.withVector());
    }

    @Test
    void garbageIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> ResolvedQuery.fromJson("{"));
        assertThrows(IllegalArgumentException.class, () -> ResolvedQuery.fromJson("{\"using\": \"\"}"));
        assertInstanceOf(IllegalArgumentException.class,
                assertThrows(RuntimeException.class, () -> ResolvedQuery.fromJson("[]")));
    }

    @Test
    void nearestVectorsOfAllKindsAreListed() {
        float[] t = {1};
        assertArrayEquals(t, new Discover(t, List.of()).vectors().get(0));
    }
}
