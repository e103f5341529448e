package dev.sextant.bench.e2e;

import dev.sextant.bench.Machine;
import java.util.List;

/**
 * Everything one {@code ./sextant bench} run measured, as written to {@code summary.json}; times in ms, rates per
 * second.
 *
 * @param label the run's label (default {@code java<feature>})
 * @param startedAt UTC start time, ISO-8601
 * @param machine the JVM (version, flags, vectorization providers) and the machine
 * @param loadBefore the 1-minute load average when the run started
 * @param loadAfter the 1-minute load average when it ended
 * @param settings the options the run used
 * @param datasets one report per dataset
 * @param soak the soak, or {@code null} when not run
 */
public record E2eReport(String label, String startedAt, Machine machine, double loadBefore, double loadAfter,
        Settings settings, List<DatasetReport> datasets, Soak soak) {

    /**
     * The options of the run.
     *
     * @param parallelism Flink parallelism of the embedded job
     * @param partitions index partitions ({@code sextant.partitions})
     * @param batchSize points per upsert while loading
     * @param maxInFlight unacknowledged upserts at most while loading
     * @param rate requests per second of the fixed-rate phase
     * @param phaseSeconds length of each fixed-rate and closed-loop phase
     * @param concurrency outstanding requests of the closed loop
     * @param warmupSeconds closed loop before each kind's throughput is measured
     * @param warmupMixSeconds closed loop over every kind after each dataset's ingest, before anything is timed
     * @param recallRequests requests per kind for recall
     * @param freshnessPointsPerSecond write rates of the freshness phases
     * @param freshnessRequestRate requests per second beside the writes
     * @param soakMinutes soak length
     * @param soakRate requests per second of the soak
     */
    public record Settings(int parallelism, int partitions, int batchSize, int maxInFlight, double rate,
            double phaseSeconds, int concurrency, double warmupSeconds, double warmupMixSeconds, int recallRequests, List<Double> freshnessPointsPerSecond,
            double freshnessRequestRate, double soakMinutes, double soakRate) {}

    /**
     * One dataset.
     *
     * @param dataset {@code debian} or {@code synthetic}
     * @param description size, dimension, metric, queries
     * @param points indexed points
     * @param dimension vector dimension
     * @param ingestPointsPerSecond points / (last acknowledgment − first send): acknowledged, searchable
     * @param ingestSeconds the same time
     * @param ingestAckLatency per upsert, send → acknowledgment
     * @param ingestLinkSeconds from the last acknowledgment until every point was linked into the graphs
     * @param indexedPointsPerSecond points / (every point linked − first send)
     * @param buildPointsPerSecond the in-process build rate (one {@code CollectionIndex}, one thread)
     * @param buildSeconds the in-process build time
     * @param ingestOverBuild indexed rate / in-process build rate (target ≥ 0.70)
     * @param kinds one row per request kind
     * @param freshness one freshness phase per write rate (empty when skipped)
     */
    public record DatasetReport(String dataset, String description, int points, int dimension,
            double ingestPointsPerSecond, double ingestSeconds, Latency.Summary ingestAckLatency,
            double ingestLinkSeconds, double indexedPointsPerSecond, double buildPointsPerSecond, double buildSeconds, double ingestOverBuild, List<KindReport> kinds,
            List<FreshnessReport> freshness) {}

    /**
     * One request kind on one dataset.
     *
     * @param kind {@link RequestKind#id()}
     * @param label {@link RequestKind#label}
     * @param recall mean recall@10 through the pipeline against the same requests with {@code params.exact}
     * @param fixedRate latency at the fixed request rate, from the moment each request was due
     * @param throughput sustained requests per second of the closed loop
     * @param closedLoop latency in the closed loop, from send
     * @param inProcessRecall the in-process index's recall@10 against its own exact answers
     * @param inProcessQps requests per second of the in-process index, one thread
     * @param inProcessLatency per request in process
     * @param throughputOverInProcess {@code throughput / inProcessQps} (target ≥ 0.50)
     */
    public record KindReport(String kind, String label, double recall, Latency.Summary fixedRate, double throughput,
            Latency.Summary closedLoop, double inProcessRecall, double inProcessQps, Latency.Summary inProcessLatency,
            double throughputOverInProcess) {}

    /**
     * The freshness phase.
     *
     * @param points points written
     * @param pointsPerSecond the write rate offered (points sent per second)
     * @param acknowledgedPointsPerSecond points / (last acknowledgment − first send): below the offered rate when
     *     the job cannot keep up, and the lag then grows during the phase
     * @param requestRate requests per second beside the writes
     * @param ack produce → acknowledged, per upsert
     * @param visible produce → visible to a query (upper bound: includes a probe round trip and interval)
     * @param neverVisible tracked points never seen
     * @param requests latency of the requests beside the writes
     * @param probes round trip of the visibility probes
     */
    public record FreshnessReport(long points, double pointsPerSecond, double acknowledgedPointsPerSecond,
            double requestRate, Latency.Summary ack,
            Latency.Summary visible, long neverVisible, Latency.Summary requests, Latency.Summary probes) {}

    /**
     * The soak: requests of every kind in turn at a fixed rate.
     *
     * @param dataset the collection soaked
     * @param rate requests per second
     * @param minutes one latency summary per minute (by due time)
     * @param lastOverSecond p99 of the last minute / p99 of the second minute (target ≤ 1.5); NaN below 2 minutes
     * @param overall the whole soak
     */
    public record Soak(String dataset, double rate, List<Latency.Summary> minutes, double lastOverSecond,
            Latency.Summary overall) {}
}
