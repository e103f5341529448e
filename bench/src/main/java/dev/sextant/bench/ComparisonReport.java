package dev.sextant.bench;

import java.util.List;
import java.util.Map;

/**
 * What {@link IndexComparison} measured, as written to {@code summary.json}. Rates are medians over repeated runs;
 * every list of raw runs is kept beside its median. Every rate is given twice: per second of wall time, and per CPU
 * second of the measuring thread (its {@code ThreadMXBean} CPU time). On a quiet machine the two agree (one thread,
 * nothing to wait for); on the shared 2-core machine the second is the robust one, because time the thread spends
 * waiting for a core does not count, so the ratios use it.
 *
 * @param label the run's label (e.g. {@code java25}), part of every file name
 * @param machine the JVM and machine
 * @param loadBefore the 1-minute load average when the run started
 * @param loadAfter the 1-minute load average when it ended
 * @param datasets one report per dataset
 */
public record ComparisonReport(String label, Machine machine, double loadBefore, double loadAfter,
        List<DatasetReport> datasets) {

    /**
     * One dataset's results.
     *
     * @param dataset e.g. {@code debian}
     * @param size indexed vectors
     * @param dimension vector dimension
     * @param queries held-out query vectors of the nearest sweep
     * @param builds build rate per method
     * @param sweep recall and speed of nearest search per method and ef
     * @param kinds recall and speed per query kind and method, at the default ef
     * @param ratios the ratios the report states
     * @param sextantStats the index's counters after the build ({@code VectorSpace.stats()})
     */
    public record DatasetReport(String dataset, int size, int dimension, int queries, List<Build> builds,
            List<SweepPoint> sweep, List<KindResult> kinds, Ratios ratios, String sextantStats) {}

    /**
     * @param method {@code sextant} or {@code lucene}
     * @param seconds wall time of each build
     * @param vectorsPerSecond the median build rate, wall time
     * @param cpuSeconds the building thread's CPU time of each build (both indexes build on the calling thread)
     * @param vectorsPerCpuSecond the median build rate per CPU second: what the rate would be on a core of its own
     * @param loadAverage the 1-minute load average after the builds
     */
    public record Build(String method, double[] seconds, double vectorsPerSecond, double[] cpuSeconds,
            double vectorsPerCpuSecond, double loadAverage) {}

    /**
     * One point of the nearest-search sweep.
     *
     * @param method {@code sextant}, {@code lucene} or {@code brute-force}
     * @param ef the search beam ({@code hnsw_ef}); 0 for brute force
     * @param recall recall@10 (points tied with the exact 10th count as correct)
     * @param qps queries per second of each timed pass, wall time
     * @param medianQps the median of {@code qps}
     * @param cpuQps queries per CPU second of the searching thread, each timed pass
     * @param medianCpuQps the median of {@code cpuQps}: the speed on a core of its own, the figure the ratios use
     * @param p50Ms median latency over all timed passes, ms (wall)
     * @param p99Ms 99th-percentile latency over all timed passes, ms (wall)
     * @param loadAverage the 1-minute load average after the passes
     */
    public record SweepPoint(String method, int ef, double recall, double[] qps, double medianQps, double[] cpuQps,
            double medianCpuQps, double p50Ms, double p99Ms, double loadAverage) {}

    /**
     * One query kind through one method, at the default ef.
     *
     * @param kind {@link QueryKind#id()}
     * @param method {@code sextant} (CollectionIndex.search) or {@code lucene} (the recipe in docs/benchmarks.md)
     * @param recall recall@10 against the exact answer (ties at the cut-off count)
     * @param qps queries per second of each timed pass, wall time
     * @param medianQps the median of {@code qps}
     * @param medianCpuQps the median over the passes of queries per CPU second of the searching thread
     * @param p50Ms median latency, ms (wall)
     * @param p99Ms 99th-percentile latency, ms (wall)
     */
    public record KindResult(String kind, String method, double recall, double[] qps, double medianQps,
            double medianCpuQps, double p50Ms, double p99Ms) {}

    /**
     * @param buildSextantOverLucene Sextant's build rate / Lucene's (per CPU second)
     * @param qpsAtRecall per recall level (e.g. "0.95"): {sextant QPS, lucene QPS, sextant / lucene, 1 when
     *     Sextant's smallest ef already reaches the level (its QPS is then a lower bound) else 0, the same for
     *     Lucene}, queries per CPU second interpolated along each sweep; NaN where a method does not reach the level
     * @param defaultEf the default ef of the index
     * @param sextantOverBruteForce Sextant's QPS at the default ef / brute force's QPS (per CPU second)
     * @param luceneOverBruteForce Lucene's QPS at the default ef / brute force's QPS (per CPU second)
     */
    public record Ratios(double buildSextantOverLucene, Map<String, double[]> qpsAtRecall, int defaultEf,
            double sextantOverBruteForce, double luceneOverBruteForce) {}
}
