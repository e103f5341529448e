package dev.sextant.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sextant.bench.ComparisonReport.SweepPoint;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The order statistics and the equal-recall interpolation the report's ratios rest on. */
class SamplesTest {
    @Test
    void medianOfOddAndEvenCounts() {
        assertEquals(3.0, Samples.median(new double[] {5, 1, 3}));
        assertEquals(2.5, Samples.median(new double[] {4, 1, 3, 2}));
        assertTrue(Double.isNaN(Samples.median(new double[0])));
    }

    @Test
    void percentileIsNearestRank() {
        double[] values = new double[100];
        for (int i = 0; i < 100; i++) {
            values[i] = 100 - i; // 100 … 1, unsorted on purpose
        }
        assertEquals(50.0, Samples.percentile(values, 50));
        assertEquals(99.0, Samples.percentile(values, 99));
        assertEquals(100.0, Samples.percentile(values, 100));
        assertEquals(7.0, Samples.percentile(new double[] {7}, 99));
    }

    @Test
    void qpsAtRecallInterpolatesBetweenTheBracketingEfs() {
        List<SweepPoint> sweep = List.of(point("sextant", 10, 0.90, 4000), point("sextant", 20, 0.96, 3000),
                point("sextant", 40, 0.99, 2000), point("lucene", 10, 0.97, 5000));
        // 0.98 lies two thirds of the way from 0.96 (3,000 QPS) to 0.99 (2,000 QPS)
        assertEquals(2333.33, IndexComparison.qpsAtRecall(sweep, "sextant", 0.98), 0.01);
        assertEquals(3000.0, IndexComparison.qpsAtRecall(sweep, "sextant", 0.96), 1e-9);
        assertTrue(Double.isNaN(IndexComparison.qpsAtRecall(sweep, "sextant", 0.995)));
        // the smallest ef already reaches 0.95: its QPS, flagged as a lower bound
        assertEquals(5000.0, IndexComparison.qpsAtRecall(sweep, "lucene", 0.95), 1e-9);
        assertTrue(IndexComparison.firstPointReaches(sweep, "lucene", 0.95));
        assertFalse(IndexComparison.firstPointReaches(sweep, "sextant", 0.95));
    }

    private static SweepPoint point(String method, int ef, double recall, double qps) {
        return new SweepPoint(method, ef, recall, new double[] {qps}, qps, new double[] {qps}, qps, 0, 0, 0);
    }
}
