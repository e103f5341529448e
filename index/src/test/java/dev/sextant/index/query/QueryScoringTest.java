package dev.sextant.index.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The query kinds scored with an identity similarity: a one-element "vector" is its own similarity, so
 * each rule is checked without any metric (style habit 17, after Qdrant's reco/discover/context tests).
 */
class QueryScoringTest {
    /** The similarity of the candidate to an example is the example's only component. */
    static final Similarity IDENTITY = example -> example[0];

    static float[] s(float similarity) {
        return new float[] {similarity};
    }

    static List<float[]> sims(float... values) {
        List<float[]> out = new ArrayList<>();
        for (float v : values) {
            out.add(s(v));
        }
        return out;
    }

    @Test
    void sigmoids() {
        assertEquals(0.0f, Sigmoids.fastSigmoid(0f));
        assertEquals(0.5f, Sigmoids.fastSigmoid(1f));
        assertEquals(-0.5f, Sigmoids.fastSigmoid(-1f));
        assertEquals(0.5f, Sigmoids.scaledFastSigmoid(0f));
        assertEquals(0.75f, Sigmoids.scaledFastSigmoid(1f));
        assertEquals(0.25f, Sigmoids.scaledFastSigmoid(-1f));
        // README §2.7: on Euclid a point at distance 5 scores scaled_fast_sigmoid(−25) ≈ 0.01923.
        assertEquals(0.01923f, Sigmoids.scaledFastSigmoid(-25f), 1e-5f);
    }

    @Test
    void nearestIsTheSimilarity() {
        assertEquals(0.3f, new Nearest(s(0.3f)).score(IDENTITY));
    }

    @Test
    void bestScorePositiveWinsWithItsSigmoid() {
        RecommendBestScore q = new RecommendBestScore(sims(0.2f, 1.0f), sims(0.5f));
        assertEquals(Sigmoids.scaledFastSigmoid(1.0f), q.score(IDENTITY));
    }

    @Test
    void bestScoreNegativeWinsWithMinusItsSigmoid() {
        RecommendBestScore q = new RecommendBestScore(sims(0.2f), sims(0.1f, 0.7f));
        assertEquals(-Sigmoids.scaledFastSigmoid(0.7f), q.score(IDENTITY));
    }

    @Test
    void bestScoreTieTakesTheNegativeBranch() {
        RecommendBestScore q = new RecommendBestScore(sims(0.4f), sims(0.4f));
        assertEquals(-Sigmoids.scaledFastSigmoid(0.4f), q.score(IDENTITY));
    }

    @Test
    void bestScoreWithoutNegativesOrPositives() {
        assertEquals(Sigmoids.scaledFastSigmoid(-3f), new RecommendBestScore(sims(-3f), List.of()).score(IDENTITY));
        assertEquals(-Sigmoids.scaledFastSigmoid(-3f), new RecommendBestScore(List.of(), sims(-3f, -4f)).score(IDENTITY));
    }

    @Test
    void bestScoreWinnersAlwaysRankAboveLosers() {
        Random r = new Random(7);
        for (int i = 0; i < 1000; i++) {
            float a = (r.nextFloat() - 0.5f) * 100;
            float b = (r.nextFloat() - 0.5f) * 100;
            float winner = new RecommendBestScore(sims(Math.max(a, b) + 1), sims(Math.max(a, b))).score(IDENTITY);
            float loser = new RecommendBestScore(sims(Math.min(a, b)), sims(Math.min(a, b) + 1)).score(IDENTITY);
            assertTrue(winner > 0 && loser < 0 && winner > loser, a + " " + b);
        }
    }

    @Test
    void sumScoresUsesRawSimilarities() {
        RecommendSumScores q = new RecommendSumScores(sims(1f, 2f), sims(0.5f));
        assertEquals(2.5f, q.score(IDENTITY));
        assertEquals(-1.5f, new RecommendSumScores(List.of(), sims(1f, 0.5f)).score(IDENTITY));
    }

    @Test
    void discoverRankPlusTargetSigmoid() {
        ContextPair positiveSide = new ContextPair(s(0.9f), s(0.1f));
        ContextPair negativeSide = new ContextPair(s(0.1f), s(0.9f));
        Discover q = new Discover(s(2f), List.of(positiveSide, positiveSide, negativeSide));
        assertEquals(1, q.rank(IDENTITY));
        assertEquals(1f + Sigmoids.scaledFastSigmoid(2f), q.score(IDENTITY));
    }

    @Test
    void discoverTieCountsPlusOne() {
        // Decision D2: sim(pos) == sim(neg) gives +1 (Qdrant's documentation; its v1.19 code gives 0).
        Discover q = new Discover(s(0f), List.of(new ContextPair(s(0.3f), s(0.3f))));
        assertEquals(1, q.rank(IDENTITY));
        assertEquals(1.5f, q.score(IDENTITY));
    }

    @Test
    void discoverWithoutPairsIsTheTargetSigmoid() {
        assertEquals(Sigmoids.scaledFastSigmoid(-0.25f), new Discover(s(-0.25f), List.of()).score(IDENTITY));
    }

    @Test
    void discoverHigherRankAlwaysWins() {
        ContextPair up = new ContextPair(s(1f), s(0f));
        ContextPair down = new ContextPair(s(0f), s(1f));
        float rankOneFarTarget = new Discover(s(-1e6f), List.of(up)).score(IDENTITY);
        float rankMinusOneOnTarget = new Discover(s(1e6f), List.of(down)).score(IDENTITY);
        assertTrue(rankOneFarTarget > rankMinusOneOnTarget);
        assertEquals(1, (int) Math.floor(rankOneFarTarget));
    }

    @Test
    void contextPositiveSideScoresExactlyZero() {
        Context q = new Context(List.of(new ContextPair(s(0.9f), s(0.1f)), new ContextPair(s(5f), s(-5f))));
        assertEquals(0.0f, q.score(IDENTITY));
        assertEquals(Float.floatToIntBits(0.0f), Float.floatToIntBits(q.score(IDENTITY)), "+0.0, not −0.0");
    }

    @Test
    void contextTieScoresMinusEpsilon() {
        Context q = new Context(List.of(new ContextPair(s(0.3f), s(0.3f))));
        assertEquals(Sigmoids.fastSigmoid(-ContextPair.EPSILON), q.score(IDENTITY));
        assertEquals(-1.1920929e-7f, q.score(IDENTITY), 1e-12f);
    }

    @Test
    void contextSumsTheLossOfEachPair() {
        Context q = new Context(List.of(new ContextPair(s(0f), s(1f)), new ContextPair(s(0f), s(3f)), new ContextPair(s(1f), s(0f))));
        float expected = Sigmoids.fastSigmoid(-1f - ContextPair.EPSILON) + Sigmoids.fastSigmoid(-3f - ContextPair.EPSILON);
        assertEquals(expected, q.score(IDENTITY));
        assertEquals(-0.5f - 0.75f, q.score(IDENTITY), 1e-6f);
    }

    @Test
    void contextScoreIsNeverPositive() {
        Random r = new Random(11);
        for (int i = 0; i < 1000; i++) {
            List<ContextPair> pairs = new ArrayList<>();
            for (int j = 0; j <= r.nextInt(4); j++) {
                pairs.add(new ContextPair(s(r.nextFloat() * 10 - 5), s(r.nextFloat() * 10 - 5)));
            }
            float score = new Context(pairs).score(IDENTITY);
            assertTrue(score <= 0f && score > -pairs.size(), String.valueOf(score));
        }
    }
}
