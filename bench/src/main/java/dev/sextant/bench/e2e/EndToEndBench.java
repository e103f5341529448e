package dev.sextant.bench.e2e;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sextant.bench.Dataset;
import dev.sextant.bench.DebianDataset;
import dev.sextant.bench.Machine;
import dev.sextant.bench.SyntheticDataset;
import dev.sextant.cli.EmbeddedStack;
import dev.sextant.cli.Reply;
import dev.sextant.cli.SextantClient;
import dev.sextant.cli.StackConfig;
import dev.sextant.index.IndexOptions;
import dev.sextant.job.SextantOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./sextant bench}: the end-to-end benchmark of issue 5. Starts a fresh embedded stack (Kafka broker +
 * MiniCluster + the Sextant job, as {@code ./sextant demo} does) in {@code <out>/stack} and, per dataset (the
 * Debian packages, 384-d, and a seeded synthetic clustered set), measures through Kafka:
 * <ol>
 *   <li>ingest: points/s from the first upsert sent to the last acknowledgment (upserts of 256 points, 16 in
 *       flight, like the demo), and to the moment the job reports every point linked into its graph
 *       ({@link JobMetrics}; acknowledged points are searchable before that, design §6f);</li>
 *   <li>recall@10 of every {@link RequestKind} against the same requests with {@code params.exact: true};</li>
 *   <li>latency of every kind at a fixed request rate (open loop, from each request's due time);</li>
 *   <li>the sustained throughput of every kind (closed loop, a fixed number of requests outstanding);</li>
 *   <li>the {@code index} module alone in this JVM ({@link InProcess}): build rate and one-thread queries/s on the
 *       same points and request bodies, for the ratios end to end / in process;</li>
 *   <li>freshness: produce → acknowledged and produce → visible while points are written at a fixed rate and
 *       requests run beside them ({@link Freshness});</li>
 * </ol>
 * then soaks the first dataset at a fixed rate (p99 per minute). Results go to {@code <out>}: {@code summary.json},
 * CSV files, HdrHistogram percentile files ({@code .hgrm}), PNG plots and {@code report.md}, a fragment for
 * {@code docs/benchmarks.md}. Exit code 0 when the run completed (targets are reported, not enforced), 1 on a
 * failure.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"End-to-end benchmark: starts a fresh embedded stack and measures ingest, recall@10, latency at"
                + " a fixed rate, sustained throughput and freshness per request kind through Kafka, the index module"
                + " alone in the same JVM, and a soak. Writes CSV, JSON, PNG plots and a markdown fragment."})
public final class EndToEndBench implements Callable<Integer> {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = ".sextant",
            description = "Base directory (default: ${DEFAULT-VALUE}); results go to <data-dir>/bench/<label>-<time>"
                    + " unless --out is given, the stack's data to <out>/stack.")
    Path dataDir;

    @Option(names = "--out", paramLabel = "DIR", description = "Results directory (created; the stack's data go to"
            + " <out>/stack and are deleted at the end unless --keep-data).")
    Path out;

    @Option(names = "--keep-data", description = "Keep <out>/stack (Kafka log, checkpoints) after the run.")
    boolean keepData;

    @Option(names = "--label", description = "Label of the run in file names and tables (default: java<feature>).")
    String label;

    @Option(names = "--datasets", split = ",", defaultValue = "debian,synthetic",
            description = "Datasets, in order: debian, synthetic (default: ${DEFAULT-VALUE}). The soak uses the first.")
    List<String> datasets;

    @Option(names = "--dataset", paramLabel = "FILE", defaultValue = "data/debian-packages-minilm-q.jsonl.gz",
            description = "The Debian packages file (default: ${DEFAULT-VALUE}).")
    Path debianFile;

    @Option(names = "--debian-limit", defaultValue = "49443",
            description = "Debian packages read (default: all ${DEFAULT-VALUE}); --queries of them are held out.")
    int debianLimit;

    @Option(names = "--queries", defaultValue = "200",
            description = "Held-out query vectors of the nearest kinds, per dataset (default: ${DEFAULT-VALUE}).")
    int queries;

    @Option(names = "--synthetic-size", defaultValue = "100000",
            description = "Points of the synthetic dataset (default: ${DEFAULT-VALUE}).")
    int syntheticSize;

    @Option(names = "--synthetic-dim", defaultValue = "128", description = "Its dimension (default: ${DEFAULT-VALUE}).")
    int syntheticDim;

    @Option(names = "--synthetic-clusters", defaultValue = "50",
            description = "Its Gaussian clusters (default: ${DEFAULT-VALUE}).")
    int syntheticClusters;

    @Option(names = "--synthetic-spread", defaultValue = "0.7",
            description = "Noise around a cluster centre, per component (centres have 1; default: ${DEFAULT-VALUE}).")
    double syntheticSpread;

    @Option(names = "--seed", defaultValue = "20261129",
            description = "Seed of the synthetic data (the in-process comparison's) and of the requests (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--kinds", defaultValue = "all",
            description = "Request kinds, comma-separated ids (nearest, average_vector, best_score, sum_scores, discover,"
                    + " context, batch, and each with _filtered), or all (default).")
    String kinds;

    @Option(names = "--bodies", defaultValue = "100", description = "Distinct request bodies per kind (default: ${DEFAULT-VALUE}).")
    int bodies;

    @Option(names = "--recall-requests", defaultValue = "50",
            description = "Requests per kind for recall@10 (default: ${DEFAULT-VALUE}).")
    int recallRequests;

    @Option(names = "--rate", defaultValue = "20",
            description = "Searches per second of the fixed-rate latency phase: requests per second, batches of 8 at"
                    + " an eighth of it (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--phase-seconds", defaultValue = "6",
            description = "Seconds of each kind's fixed-rate and closed-loop phases (default: ${DEFAULT-VALUE}).")
    double phaseSeconds;

    // the embedded JVM (broker, Flink, client) is still JIT-compiling minutes into a run (a fifth of the machine
    // in the first throughput phases): a short warm-up measures the compiler as much as the pipeline
    @Option(names = "--warmup-seconds", defaultValue = "5",
            description = "Seconds of closed loop before each kind's throughput is measured (default: ${DEFAULT-VALUE}).")
    double warmupSeconds;

    @Option(names = "--warmup-mix-seconds", defaultValue = "30",
            description = "Seconds of closed loop over every kind in turn after each dataset's ingest, before anything"
                    + " is timed, so the JIT compiles the request path under load; 0 skips it (default: ${DEFAULT-VALUE}).")
    double warmupMixSeconds;

    @Option(names = "--concurrency", defaultValue = "32",
            description = "Outstanding requests in the closed-loop throughput phase (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--inprocess-seconds", defaultValue = "3",
            description = "Seconds of each kind's in-process timing (default: ${DEFAULT-VALUE}).")
    double inProcessSeconds;

    @Option(names = "--freshness-seconds", defaultValue = "20",
            description = "Seconds of writing in the freshness phase; 0 skips it (default: ${DEFAULT-VALUE}).")
    double freshnessSeconds;

    @Option(names = "--ingest-rate", defaultValue = "250,500,1000", split = ",",
            description = "Points per second written in the freshness phase; a list runs one phase per rate"
                    + " (default: ${DEFAULT-VALUE}).")
    List<Double> ingestRates;

    @Option(names = "--freshness-batch", defaultValue = "10",
            description = "Points per upsert in the freshness phase (default: ${DEFAULT-VALUE}).")
    int freshnessBatch;

    @Option(names = "--freshness-request-rate", defaultValue = "50",
            description = "Requests per second beside the writes (default: ${DEFAULT-VALUE}).")
    double freshnessRequestRate;

    // more tracked points would sample the p99 better (25 at 250 points/s), but the probe checks the 4 oldest unseen
    // per round trip: every 5th upsert outran it on a loaded job (visible p50 11 s against acknowledged 2.8 s)
    @Option(names = "--track-every", defaultValue = "20",
            description = "Freshness: the first point of every N-th upsert is tracked for visibility (default: ${DEFAULT-VALUE}).")
    int trackEvery;

    @Option(names = "--queries-on", split = ",", paramLabel = "DATASET",
            description = "Datasets whose query phases (recall, latency, throughput, in process) run; the others get"
                    + " ingest and freshness only (default: every dataset). 'none' for none.")
    List<String> queriesOn;

    @Option(names = "--probe-ms", defaultValue = "50",
            description = "Milliseconds between two visibility probes (default: ${DEFAULT-VALUE}).")
    double probeMillis;

    @Option(names = "--soak-minutes", defaultValue = "10",
            description = "Minutes of the soak on the first dataset; 0 skips it (default: ${DEFAULT-VALUE}).")
    double soakMinutes;

    @Option(names = "--soak-rate", defaultValue = "20",
            description = "Requests per second of the soak, every kind in turn (default: ${DEFAULT-VALUE}).")
    double soakRate;

    @Option(names = "--batch-size", defaultValue = "256", description = "Points per upsert while loading (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--max-in-flight", defaultValue = "16",
            description = "Unacknowledged upserts at most while loading (default: ${DEFAULT-VALUE}).")
    int maxInFlight;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "Longest wait for one reply (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--parallelism", defaultValue = "2", description = "Flink parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--profile", description = "Record JFR (profile settings) during each dataset's ingest, throughput"
            + " and freshness phases, to <out>/<dataset>-{ingest,throughput,freshness}.jfr.")
    boolean profile;

    @Option(names = "-D", paramLabel = "KEY=VALUE", mapFallbackValue = "",
            description = "A job option (sextant.*) or Flink setting for the embedded job. Repeatable.")
    Map<String, String> settings = new LinkedHashMap<>();

    private PrintStream log = System.out;
    private long t0;

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new EndToEndBench());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("sextant bench: " + e);
            e.printStackTrace(commandLine.getErr());
            return 1;
        });
        System.exit(cli.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        t0 = System.nanoTime();
        Instant started = Instant.now();
        Machine machine = Machine.current();
        if (label == null) {
            label = "java" + machine.javaFeature();
        }
        if (out == null) {
            out = dataDir.resolve("bench").resolve(label + "-" + STAMP.format(started));
        }
        out = out.toAbsolutePath().normalize();
        Files.createDirectories(out);
        double loadBefore = Machine.loadAverage();
        say("Sextant end-to-end benchmark '%s' -> %s", label, out);
        say("JDK %s (%s), jvector %s, Lucene %s; %d processors (%s), heap %,d MiB; load average %.2f",
                machine.javaVersion(), machine.javaVendor(), machine.jvectorProvider(), machine.luceneProvider(),
                machine.processors(), machine.cpuModel(), machine.maxHeapMb(), loadBefore);
        List<RequestKind> kindList = RequestKind.parse(kinds);
        Duration timeout = Duration.ofSeconds(timeoutSeconds);

        Path stackDir = out.resolve("stack");
        StackConfig config = new StackConfig(stackDir, 0, 0, parallelism, parallelism, Duration.ofSeconds(1), settings,
                true);
        List<E2eReport.DatasetReport> reports = new ArrayList<>();
        Map<String, Map<RequestKind, Latency>> fixedRateLatencies = new LinkedHashMap<>();
        E2eReport.Soak soak = null;
        E2eReport.Settings runSettings;
        say("Starting the embedded stack in %s ...", stackDir);
        try (EmbeddedStack stack = EmbeddedStack.start(config, line -> say("  %s", line));
                SextantClient client = stack.client()) {
            // Ctrl-C: stop the job and the broker as ./sextant demo does (close() is idempotent)
            Thread stopper = new Thread(stack::close, "bench-shutdown");
            Runtime.getRuntime().addShutdownHook(stopper);
            Configuration jobSettings = stack.settings();
            say("Stack running: Kafka %s, parallelism %d, %d index partitions, job %s", stack.bootstrapServers(),
                    parallelism, jobSettings.get(SextantOptions.PARTITIONS), stack.jobId());
            runSettings = new E2eReport.Settings(parallelism, jobSettings.get(SextantOptions.PARTITIONS), batchSize,
                    maxInFlight, rate, phaseSeconds, concurrency, warmupSeconds, warmupMixSeconds, recallRequests,
                    List.copyOf(ingestRates), freshnessRequestRate, soakMinutes, soakRate);
            IndexOptions options = indexOptions(jobSettings);
            JobMetrics metrics = new JobMetrics(stack.restAddress(), stack.jobId().toHexString());
            Dataset soakData = null;
            for (String name : datasets) {
                Dataset data = dataset(name);
                if (soakData == null) {
                    soakData = data;
                }
                Map<RequestKind, Latency> latencies = new LinkedHashMap<>();
                reports.add(runDataset(client, metrics, data, kindList, options, timeout, latencies));
                fixedRateLatencies.put(data.name(), latencies);
                writeOutputs(machine, started, loadBefore, runSettings, reports, soak, fixedRateLatencies);
            }
            if (soakMinutes > 0 && soakData != null) {
                soak = soak(client, soakData, kindList, timeout);
            }
            say("Stopping the stack ...");
            Runtime.getRuntime().removeShutdownHook(stopper);
        }
        E2eReport report = writeOutputs(machine, started, loadBefore, runSettings, reports, soak, fixedRateLatencies);
        if (!keepData) {
            Outputs.deleteRecursively(stackDir);
        }
        say("Done in %.1f min; load average %.2f. Results: %s (report.md, summary.json, *.csv, *.png)",
                (System.nanoTime() - t0) / 60e9, report.loadAfter(), out);
        return 0;
    }

    private E2eReport writeOutputs(Machine machine, Instant started, double loadBefore, E2eReport.Settings runSettings,
            List<E2eReport.DatasetReport> reports, E2eReport.Soak soak,
            Map<String, Map<RequestKind, Latency>> latencies) throws IOException {
        E2eReport report = new E2eReport(label, started.toString(), machine, loadBefore, Machine.loadAverage(),
                runSettings, List.copyOf(reports), soak);
        Outputs.write(out, report, latencies);
        return report;
    }

    /** The job's index options as the partitions use them ({@code sextant.index.*} of the stack's settings). */
    static IndexOptions indexOptions(Configuration settings) {
        IndexOptions d = IndexOptions.defaults();
        return new IndexOptions(settings.get(SextantOptions.INDEX_EXACT_SCAN_BELOW), settings.get(SextantOptions.INDEX_M),
                settings.get(SextantOptions.INDEX_EF_CONSTRUCTION), settings.get(SextantOptions.INDEX_EF),
                d.neighborOverflow(), d.alpha(), d.repairFraction());
    }

    private Dataset dataset(String name) throws IOException {
        long t = System.nanoTime();
        Dataset data = switch (name) {
            case "debian" -> DebianDataset.read(debianFile, debianLimit, queries);
            case "synthetic" -> SyntheticDataset.generate(syntheticSize, queries, syntheticDim, syntheticClusters,
                    syntheticSpread, seed);
            default -> throw new CommandLine.ParameterException(new CommandLine(this),
                    "Unknown dataset " + name + " (debian, synthetic)");
        };
        say("Dataset %s ready in %.1f s", data, (System.nanoTime() - t) / 1e9);
        return data;
    }

    private E2eReport.DatasetReport runDataset(SextantClient client, JobMetrics metrics, Dataset data,
            List<RequestKind> kindList,
            IndexOptions options, Duration timeout, Map<RequestKind, Latency> fixedRateLatencies) throws Exception {
        String collection = "bench_" + data.name();
        Ingest ingest = new Ingest(client, batchSize, maxInFlight, timeout);
        ingest.recreate(collection, data.dimension());
        say("[%s] ingest: %,d points in upserts of %d, %d in flight ...", data.name(), data.size(), batchSize,
                maxInFlight);
        Recording ingestJfr = startJfr();
        Ingest.Result loaded = ingest.load(collection, data,
                n -> say("[%s]   %,d of %,d acknowledged", data.name(), n, data.size()));
        say("[%s] ingest: %,.0f points/s acknowledged (%.1f s); ack latency p50 %.0f ms, p99 %.0f ms", data.name(),
                loaded.pointsPerSecond(), loaded.seconds(), loaded.ackLatency().p50Ms(), loaded.ackLatency().p99Ms());
        // the partitions link acknowledged points into their graphs in the background: the build ends when they are done
        loaded = loaded.withLinkSeconds(metrics.awaitAllLinked(Duration.ofMinutes(30)).toNanos() / 1e9);
        stopJfr(ingestJfr, data.name() + "-ingest.jfr");
        say("[%s] ingest: every point linked %.1f s after the last acknowledgment: %,.0f points/s indexed", data.name(),
                loaded.linkSeconds(), loaded.indexedPointsPerSecond());

        LoadDriver driver = new LoadDriver(client, collection, timeout);
        Map<RequestKind, List<ObjectNode>> bodiesByKind = new LinkedHashMap<>();
        for (RequestKind kind : kindList) {
            bodiesByKind.put(kind, kind.bodies(data, bodies, seed));
        }
        warmUp(driver, bodiesByKind);
        InProcess.Build build = new InProcess.Build(0, Double.NaN);
        List<E2eReport.KindReport> kindReports = new ArrayList<>();
        if (queriesOn == null || queriesOn.contains(data.name())) {
            build = queryPhases(data, kindList, options, timeout, fixedRateLatencies, driver, bodiesByKind, loaded,
                    kindReports);
        }

        List<E2eReport.FreshnessReport> freshList = new ArrayList<>();
        for (int r = 0; freshnessSeconds > 0 && r < ingestRates.size(); r++) {
            double ingestRate = ingestRates.get(r);
            metrics.awaitAllLinked(Duration.ofMinutes(30)); // each rate starts from a linked index
            say("[%s] freshness: %,.0f points/s in upserts of %d for %.0f s, %.0f requests/s beside ...", data.name(),
                    ingestRate, freshnessBatch, freshnessSeconds, freshnessRequestRate);
            List<RequestKind> mixKinds = new ArrayList<>();
            List<ObjectNode> mixBodies = new ArrayList<>();
            mix(bodiesByKind, mixKinds, mixBodies, false);
            Recording freshJfr = r == 0 ? startJfr() : null;
            Freshness.Result f = new Freshness(client, collection, timeout).run(data, 10_000_000L * (r + 1), ingestRate,
                    freshnessBatch, freshnessRequestRate, mixKinds, mixBodies,
                    Duration.ofMillis((long) (freshnessSeconds * 1000)), Duration.ofMillis((long) probeMillis), trackEvery);
            stopJfr(freshJfr, data.name() + "-freshness.jfr");
            E2eReport.FreshnessReport fresh = new E2eReport.FreshnessReport(f.points(), f.points() / f.seconds(),
                    f.points() / f.ackSeconds(), freshnessRequestRate,
                    f.ack().summary(), f.visible().summary(), f.neverVisible(), f.requests().summary(),
                    f.probes().summary());
            freshList.add(fresh);
            say("[%s] freshness: %,.0f points/s acknowledged; acknowledged p50 %.0f ms p99 %.0f ms; visible p50 %.0f ms"
                            + " p99 %.0f ms (%d never); requests p50 %.0f ms p99 %.0f ms", data.name(),
                    fresh.acknowledgedPointsPerSecond(), fresh.ack().p50Ms(), fresh.ack().p99Ms(),
                    fresh.visible().p50Ms(), fresh.visible().p99Ms(), fresh.neverVisible(), fresh.requests().p50Ms(),
                    fresh.requests().p99Ms());
        }
        return new E2eReport.DatasetReport(data.name(), data.toString(), data.size(), data.dimension(),
                loaded.pointsPerSecond(), loaded.seconds(), loaded.ackLatency(), loaded.linkSeconds(),
                loaded.indexedPointsPerSecond(), build.pointsPerSecond(), build.seconds(),
                loaded.indexedPointsPerSecond() / build.pointsPerSecond(), kindReports, freshList);
    }

    /** Recall, fixed-rate latency, closed-loop throughput and the in-process index, per kind; returns the build. */
    private InProcess.Build queryPhases(Dataset data, List<RequestKind> kindList, IndexOptions options, Duration timeout,
            Map<RequestKind, Latency> fixedRateLatencies, LoadDriver driver,
            Map<RequestKind, List<ObjectNode>> bodiesByKind, Ingest.Result loaded,
            List<E2eReport.KindReport> kindReports) throws Exception {
        Map<RequestKind, Double> recall = new LinkedHashMap<>();
        for (RequestKind kind : kindList) {
            recall.put(kind, recall(driver, kind, bodiesByKind.get(kind), timeout));
            say("[%s] recall@10 %-30s %.4f", data.name(), kind.label, recall.get(kind));
        }
        for (RequestKind kind : kindList) {
            Latency latency = new Latency();
            // the same searches per second for every kind: a batch of 8 is due 8 times less often
            double kindRate = kind.batch() ? rate / RequestKind.BATCH_SIZE : rate;
            driver.fixedRate(Collections.nCopies(bodies, kind), bodiesByKind.get(kind), kindRate,
                    Duration.ofMillis((long) (phaseSeconds * 1000)), sink(latency));
            fixedRateLatencies.put(kind, latency);
            Latency.Summary s = latency.summary();
            say("[%s] %5.1f req/s  %-30s p50 %7.1f ms  p99 %7.1f ms  (%d ok, %d errors)", data.name(), kindRate, kind.label,
                    s.p50Ms(), s.p99Ms(), s.count(), s.errors());
        }
        Map<RequestKind, LoadDriver.Throughput> throughput = new LinkedHashMap<>();
        Recording queryJfr = startJfr();
        for (RequestKind kind : kindList) {
            LoadDriver.Throughput t = driver.closedLoop(Collections.nCopies(bodies, kind), bodiesByKind.get(kind),
                    concurrency, Duration.ofMillis((long) (warmupSeconds * 1000)),
                    Duration.ofMillis((long) (phaseSeconds * 1000)));
            throughput.put(kind, t);
            say("[%s] closed loop (%d outstanding) %-30s %7.1f req/s  p50 %7.1f ms  p99 %7.1f ms", data.name(),
                    concurrency, kind.label, t.requestsPerSecond(), t.latency().percentileMs(50),
                    t.latency().percentileMs(99));
        }
        stopJfr(queryJfr, data.name() + "-throughput.jfr");

        say("[%s] in process: building one CollectionIndex of %,d points on one thread ...", data.name(), data.size());
        InProcess local = new InProcess(data.dimension(), options);
        InProcess.Build build = local.build(data);
        say("[%s] in process: build %,.0f points/s (%.1f s); indexed / build = %.2f", data.name(),
                build.pointsPerSecond(), build.seconds(), loaded.indexedPointsPerSecond() / build.pointsPerSecond());
        for (RequestKind kind : kindList) {
            InProcess.Queries q = local.run(kind, bodiesByKind.get(kind), recallRequests, Duration.ofSeconds(1),
                    Duration.ofMillis((long) (inProcessSeconds * 1000)));
            LoadDriver.Throughput t = throughput.get(kind);
            double ratio = t.requestsPerSecond() / q.requestsPerSecond();
            say("[%s] in process %-30s %8.1f req/s (recall %.4f); end to end / in process = %.2f", data.name(),
                    kind.label, q.requestsPerSecond(), q.recall(), ratio);
            kindReports.add(new E2eReport.KindReport(kind.id(), kind.label, recall.get(kind),
                    fixedRateLatencies.get(kind).summary(), t.requestsPerSecond(), t.latency().summary(), q.recall(),
                    q.requestsPerSecond(), q.latency().summary(), ratio));
        }
        return build; // the in-process index is garbage from here on
    }

    /**
     * Every kind in turn, closed loop, for {@code --warmup-mix-seconds}, so that the JIT and the job's caches are warm
     * before anything is timed: the embedded JVM compiles for minutes, and a light warm-up left C2 at a fifth of the
     * machine during the first kinds' throughput phases (JFR, docs/benchmarks.md).
     */
    private void warmUp(LoadDriver driver, Map<RequestKind, List<ObjectNode>> bodiesByKind) throws InterruptedException {
        if (warmupMixSeconds <= 0) {
            return;
        }
        List<RequestKind> mixKinds = new ArrayList<>();
        List<ObjectNode> mixBodies = new ArrayList<>();
        mix(bodiesByKind, mixKinds, mixBodies, true);
        LoadDriver.Throughput t = driver.closedLoop(mixKinds, mixBodies, concurrency, Duration.ZERO,
                Duration.ofMillis((long) (warmupMixSeconds * 1000)));
        say("warm-up: every kind in turn for %.0f s, %.1f requests/s, %d errors", warmupMixSeconds,
                t.requestsPerSecond(), t.latency().errors());
    }

    /** Every kind in turn (only the unfiltered, non-batch kinds unless {@code all}). */
    private void mix(Map<RequestKind, List<ObjectNode>> bodiesByKind, List<RequestKind> kinds, List<ObjectNode> out,
            boolean all) {
        for (int i = 0; i < bodies; i++) {
            for (Map.Entry<RequestKind, List<ObjectNode>> e : bodiesByKind.entrySet()) {
                if (all || !(e.getKey().filtered || e.getKey().batch())) {
                    kinds.add(e.getKey());
                    out.add(e.getValue().get(i));
                }
            }
        }
    }

    /** Mean recall@10 of the first {@code recallRequests} bodies, 8 requests outstanding at most. */
    private double recall(LoadDriver driver, RequestKind kind, List<ObjectNode> bodyList, Duration timeout)
            throws InterruptedException {
        int n = Math.min(recallRequests, bodyList.size());
        Semaphore permits = new Semaphore(8);
        List<CompletableFuture<double[]>> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            permits.acquire();
            ObjectNode body = bodyList.get(i);
            CompletableFuture<Reply> approx = driver.send(kind, body);
            CompletableFuture<Reply> exact = driver.send(kind, RequestKind.exact(body));
            CompletableFuture<double[]> r = approx.thenCombine(exact, (a, e) -> {
                if (!a.ok() || !e.ok()) {
                    throw new IllegalStateException(kind.label + ": error reply " + (a.ok() ? e.body() : a.body()));
                }
                return new double[] {Recall.ofResult(a.body().get("result"), e.body().get("result"))};
            });
            r.whenComplete((x, err) -> permits.release());
            results.add(r);
        }
        double sum = 0;
        for (CompletableFuture<double[]> r : results) {
            try {
                sum += r.get(timeout.toMillis(), TimeUnit.MILLISECONDS)[0];
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("recall of " + kind.label + ": " + e, e);
            }
        }
        return sum / n;
    }

    private E2eReport.Soak soak(SextantClient client, Dataset data, List<RequestKind> kindList, Duration timeout) {
        String collection = "bench_" + data.name();
        Map<RequestKind, List<ObjectNode>> bodiesByKind = new LinkedHashMap<>();
        for (RequestKind kind : kindList) {
            bodiesByKind.put(kind, kind.bodies(data, bodies, seed + 1));
        }
        List<RequestKind> mixKinds = new ArrayList<>();
        List<ObjectNode> mixBodies = new ArrayList<>();
        mix(bodiesByKind, mixKinds, mixBodies, true);
        say("[soak] %s: %.1f min at %.0f requests/s, every kind in turn ...", data.name(), soakMinutes, soakRate);
        int minutes = (int) Math.ceil(soakMinutes);
        List<Latency> perMinute = new ArrayList<>();
        for (int m = 0; m < minutes; m++) {
            perMinute.add(new Latency());
        }
        Latency overall = new Latency();
        long start = System.nanoTime();
        new LoadDriver(client, collection, timeout).fixedRate(mixKinds, mixBodies, soakRate,
                Duration.ofMillis((long) (soakMinutes * 60_000)), new LoadDriver.Sink() {
                    private int lastReported = -1;

                    @Override
                    public void ok(long dueNanos, long latencyNanos) {
                        minute(dueNanos).record(latencyNanos);
                        overall.record(latencyNanos);
                        int m = (int) ((dueNanos - start) / 60_000_000_000L);
                        if (m > lastReported && m > 0) {
                            lastReported = m;
                            Latency.Summary prev = perMinute.get(m - 1).summary();
                            say("[soak] minute %d: p50 %.1f ms, p99 %.1f ms (%d ok, %d errors)", m, prev.p50Ms(),
                                    prev.p99Ms(), prev.count(), prev.errors());
                        }
                    }

                    @Override
                    public void error(long dueNanos) {
                        minute(dueNanos).error();
                        overall.error();
                    }

                    private Latency minute(long dueNanos) {
                        int m = (int) ((dueNanos - start) / 60_000_000_000L);
                        return perMinute.get(Math.max(0, Math.min(perMinute.size() - 1, m)));
                    }
                });
        List<Latency.Summary> summaries = perMinute.stream().map(Latency::summary).toList();
        double ratio = summaries.size() >= 2
                ? summaries.get(summaries.size() - 1).p99Ms() / summaries.get(1).p99Ms() : Double.NaN;
        say("[soak] p99 of the last minute / p99 of the second = %.2f; overall p50 %.1f ms, p99 %.1f ms", ratio,
                overall.summary().p50Ms(), overall.summary().p99Ms());
        return new E2eReport.Soak(data.name(), soakRate, summaries, ratio, overall.summary());
    }

    private static LoadDriver.Sink sink(Latency latency) {
        return new LoadDriver.Sink() {
            @Override
            public void ok(long dueNanos, long latencyNanos) {
                latency.record(latencyNanos);
            }

            @Override
            public void error(long dueNanos) {
                latency.error();
            }
        };
    }

    private Recording startJfr() throws IOException, java.text.ParseException {
        if (!profile) {
            return null;
        }
        Recording r = new Recording(jdk.jfr.Configuration.getConfiguration("profile"));
        r.start();
        return r;
    }

    private void stopJfr(Recording r, String file) throws IOException {
        if (r == null) {
            return;
        }
        r.stop();
        r.dump(out.resolve(file));
        r.close();
        say("JFR recording written to %s", out.resolve(file));
    }

    private synchronized void say(String format, Object... args) {
        log.printf(Locale.ROOT, "%7.1fs  %s%n", (System.nanoTime() - t0) / 1e9, String.format(Locale.ROOT, format, args));
        log.flush();
    }

    /** For the smoke test: where the lines go. */
    void log(PrintStream stream) {
        this.log = stream;
    }

    /** The results directory of the last run. */
    Path out() {
        return out;
    }
}
