package dev.sextant.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sextant.bench.ComparisonReport.Build;
import dev.sextant.bench.ComparisonReport.DatasetReport;
import dev.sextant.bench.ComparisonReport.KindResult;
import dev.sextant.bench.ComparisonReport.Ratios;
import dev.sextant.bench.ComparisonReport.SweepPoint;
import dev.sextant.index.CollectionConfig;
import dev.sextant.index.Distance;
import dev.sextant.index.IndexOptions;
import dev.sextant.index.Point;
import dev.sextant.index.PointId;
import dev.sextant.index.query.Context;
import dev.sextant.index.query.ContextPair;
import dev.sextant.index.query.Discover;
import dev.sextant.index.query.Nearest;
import dev.sextant.index.query.Query;
import dev.sextant.index.query.QueryParser;
import dev.sextant.index.query.RecommendBestScore;
import dev.sextant.index.query.RecommendSumScores;
import dev.sextant.index.query.ResolvedQuery;
import dev.sextant.index.search.CollectionIndex;
import dev.sextant.index.search.ScoredPoint;
import dev.sextant.index.search.VectorSpace;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.function.IntPredicate;
import java.util.function.ToIntFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The in-process half of issue 5: Sextant's {@code index} module, an exact brute-force scan and Lucene 9.12's HNSW,
 * built and queried on the same vectors with the same queries, on one thread, in one JVM.
 *
 * <p>Per dataset (the Debian MiniLM set and a seeded synthetic clustered set):
 * <ol>
 *   <li><b>Build</b> Sextant's {@link CollectionIndex} (default {@link IndexOptions}: M 32, efConstruction 200) by
 *       upserting every point, and Lucene's index (m 16, i.e. base-layer degree 32, beam width 200; see
 *       {@link LuceneHnsw}); vectors per second, median of {@code --build-repeats} builds.</li>
 *   <li><b>Nearest sweep</b>: for every {@code hnsw_ef}, recall@10 and queries per second of Sextant's
 *       {@link VectorSpace#nearest} (graph search + exact rescoring) and Lucene's {@code KnnFloatVectorQuery}
 *       over all held-out queries; the passes of both alternate so that load changes hit both alike; the median of
 *       {@code --repeats} passes. Brute force is measured on the first {@code --brute-force-queries} queries.</li>
 *   <li><b>Query kinds</b> at the default ef: each kind of {@link QueryKind} through
 *       {@link CollectionIndex#search} (parse and resolve excluded from the time), against the exact answer of
 *       the same request with {@code params.exact}; Lucene runs a fixed recipe per kind (one search per probe
 *       vector with k = ef, the union rescored with the exact Qdrant formula).</li>
 * </ol>
 * Writes CSV files, {@code <dataset>-<label>-summary.json} per dataset and {@code summary.json} for the whole run
 * under {@code --out}/{@code <label>}, and PNG plots (recall vs QPS over
 * ef; latency histogram at the default ef) into {@code --plots}. Prints Markdown tables.
 *
 * <p>Recall@10 counts a returned point as correct when its exact similarity is at least that of the exact 10th
 * result, so points tied at the cut-off are interchangeable (as in the index's QueryRecallTest).
 */
@Command(name = "index-comparison", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Sextant's index vs exact brute force vs Lucene 9.12 HNSW, in process, one thread.")
public final class IndexComparison implements Callable<Integer> {
    static final int K = 10;
    static final String COLLECTION = "bench";
    static final double[] RECALL_LEVELS = {0.90, 0.95, 0.98, 0.99, 0.995};

    @Option(names = "--dataset", split = ",", defaultValue = "debian,synthetic",
            description = "datasets to run, in order: debian, synthetic (default: ${DEFAULT-VALUE})")
    List<String> datasets = new ArrayList<>(List.of("debian", "synthetic"));

    @Option(names = "--debian-file", defaultValue = "data/debian-packages-minilm-q.jsonl.gz",
            description = "the Debian MiniLM dataset (default: ${DEFAULT-VALUE})")
    Path debianFile = DebianDataset.DEFAULT_FILE;

    @Option(names = "--debian-limit", defaultValue = "49443",
            description = "packages read from the file, queries included (default: ${DEFAULT-VALUE})")
    int debianLimit = DebianDataset.SIZE;

    @Option(names = "--queries", defaultValue = "1000",
            description = "held-out query vectors per dataset (default: ${DEFAULT-VALUE})")
    int queries = 1000;

    @Option(names = "--synthetic-size", defaultValue = "200000",
            description = "synthetic points (default: ${DEFAULT-VALUE})")
    int syntheticSize = 200_000;

    @Option(names = "--synthetic-dimension", defaultValue = "128", description = "(default: ${DEFAULT-VALUE})")
    int syntheticDimension = 128;

    @Option(names = "--synthetic-clusters", defaultValue = "50", description = "(default: ${DEFAULT-VALUE})")
    int syntheticClusters = 50;

    @Option(names = "--synthetic-spread", defaultValue = "0.7",
            description = "noise per component around a centre (default: ${DEFAULT-VALUE})")
    double syntheticSpread = 0.7;

    @Option(names = "--seed", defaultValue = "20261129", description = "(default: ${DEFAULT-VALUE})")
    long seed = 20261129L;

    @Option(names = "--ef", split = ",", defaultValue = "10,20,40,64,100,150,200,300",
            description = "hnsw_ef values of the nearest sweep (default: ${DEFAULT-VALUE})")
    int[] efs = {10, 20, 40, 64, 100, 150, 200, 300};

    @Option(names = "--repeats", defaultValue = "5",
            description = "timed passes per configuration; medians are reported (default: ${DEFAULT-VALUE})")
    int repeats = 5;

    @Option(names = "--build-repeats", defaultValue = "1",
            description = "builds per index; the median rate is reported (default: ${DEFAULT-VALUE})")
    int buildRepeats = 1;

    @Option(names = "--kind-queries", defaultValue = "100",
            description = "requests per query kind (default: ${DEFAULT-VALUE})")
    int kindQueries = 100;

    @Option(names = "--brute-force-queries", defaultValue = "200",
            description = "queries of the timed brute-force passes (default: ${DEFAULT-VALUE})")
    int bruteForceQueries = 200;

    @Option(names = "--lucene", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "include Lucene (default: ${DEFAULT-VALUE})")
    boolean lucene = true;

    @Option(names = "--exact-scan-below", description = "override IndexOptions.exactScanBelow (tests only)")
    Integer exactScanBelow;

    @Option(names = "--m", description = "override IndexOptions.m, jvector's maximum degree (default 32)")
    Integer m;

    @Option(names = "--ef-construction", description = "override IndexOptions.efConstruction (default 200)")
    Integer efConstruction;

    @Option(names = "--neighbor-overflow",
            description = "override IndexOptions.neighborOverflow, degree headroom before pruning (default 1.2)")
    Float neighborOverflow;

    @Option(names = "--alpha", description = "override IndexOptions.alpha, Vamana's diversity factor (default 1.2)")
    Float alpha;

    @Option(names = "--out", defaultValue = "bench/target/results",
            description = "CSV/JSON results go to <out>/<label> (default: ${DEFAULT-VALUE})")
    Path out = Path.of("bench/target/results");

    @Option(names = "--plots", defaultValue = "docs/benchmarks",
            description = "PNG plots go here (default: ${DEFAULT-VALUE})")
    Path plots = Path.of("docs/benchmarks");

    @Option(names = "--label", description = "names this run's files (default: java<feature release>)")
    String label;

    @Option(names = "--jfr", description = "record each phase (builds, nearest sweep, kinds) with Java Flight Recorder "
            + "into this directory as <dataset>-<label>-<phase>.jfr")
    Path jfr;

    private final PrintStream log;
    private PhaseRecorder recorder = new PhaseRecorder(null);

    public IndexComparison() {
        this(System.out);
    }

    IndexComparison(PrintStream log) {
        this.log = log;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new IndexComparison()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        run();
        return 0;
    }

    /** Runs every dataset and writes the results; returns what it wrote to {@code summary.json}. */
    public ComparisonReport run() throws IOException {
        if (label == null) {
            label = "java" + Runtime.version().feature();
        }
        double loadBefore = Machine.loadAverage();
        Machine machine = Machine.current();
        log.printf(Locale.ROOT, "Sextant index comparison, label %s%n", label);
        log.printf(Locale.ROOT, "  JVM      %s (%s), Java %d, args %s%n", machine.javaVersion(), machine.javaVendor(),
                machine.javaFeature(), machine.jvmArguments());
        log.printf(Locale.ROOT, "  SIMD     jvector %s, Lucene %s%n", machine.jvectorProvider(),
                machine.luceneProvider());
        log.printf(Locale.ROOT, "  machine  %d processors, %s, max heap %d MiB, load average %.2f%n",
                machine.processors(), machine.cpuModel(), machine.maxHeapMb(), loadBefore);
        Path results = out.resolve(label);
        Files.createDirectories(results);
        recorder = new PhaseRecorder(jfr);
        List<DatasetReport> reports = new ArrayList<>();
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        for (String name : datasets) {
            double loadAtStart = Machine.loadAverage();
            Dataset data = load(name);
            log.printf(Locale.ROOT, "%n== %s ==%n", data);
            DatasetReport one = runDataset(data, results);
            reports.add(one);
            // one file per dataset as well, so that datasets run by separate invocations keep their own summary
            json.writeValue(results.resolve(name + "-" + label + "-summary.json").toFile(),
                    new ComparisonReport(label, machine, loadAtStart, Machine.loadAverage(), List.of(one)));
        }
        ComparisonReport report = new ComparisonReport(label, machine, loadBefore, Machine.loadAverage(), reports);
        json.writeValue(results.resolve("summary.json").toFile(), report);
        log.printf(Locale.ROOT, "%nresults in %s, plots in %s (load average %.2f at the end)%n", results.toAbsolutePath(),
                plots.toAbsolutePath(), report.loadAfter());
        return report;
    }

    private Dataset load(String name) throws IOException {
        long start = System.nanoTime();
        Dataset data = switch (name) {
            case "debian" -> DebianDataset.read(debianFile, debianLimit, queries);
            case "synthetic" -> SyntheticDataset.generate(syntheticSize, queries, syntheticDimension,
                    syntheticClusters, syntheticSpread, seed);
            default -> throw new CommandLine.ParameterException(new CommandLine(this),
                    "unknown dataset " + name + " (debian, synthetic)");
        };
        log.printf(Locale.ROOT, "loaded %s in %.1f s%n", data.name(), (System.nanoTime() - start) / 1e9);
        return data;
    }

    private IndexOptions options() {
        IndexOptions d = IndexOptions.defaults();
        return new IndexOptions(exactScanBelow == null ? d.exactScanBelow() : exactScanBelow, m == null ? d.m() : m,
                efConstruction == null ? d.efConstruction() : efConstruction, d.defaultEf(),
                neighborOverflow == null ? d.neighborOverflow() : neighborOverflow, alpha == null ? d.alpha() : alpha,
                d.repairFraction(), d.repairCeiling());
    }

    // ---- one dataset ------------------------------------------------------------------------------------

    private DatasetReport runDataset(Dataset data, Path results) throws IOException {
        IndexOptions options = options();
        int defaultEf = options.defaultEf();
        String prefix = data.name() + "-" + label;

        // exact answers of the nearest queries
        BruteForce brute = new BruteForce(data.distance(), data.vectors());
        float[][] queryVectors = data.queries();
        int[][] truth = new int[queryVectors.length][];
        long start = System.nanoTime();
        for (int i = 0; i < queryVectors.length; i++) {
            truth[i] = brute.search(queryVectors[i], K, p -> true);
        }
        log.printf(Locale.ROOT, "exact top-%d of %d queries in %.1f s%n", K, queryVectors.length,
                (System.nanoTime() - start) / 1e9);

        // builds, alternating so that a change of load hits both
        CollectionConfig config = CollectionConfig.single(data.dimension(), data.distance());
        double[] sextantSeconds = new double[buildRepeats];
        double[] luceneSeconds = new double[lucene ? buildRepeats : 0];
        double[] sextantCpu = new double[buildRepeats];
        double[] luceneCpu = new double[lucene ? buildRepeats : 0];
        CollectionIndex index = null;
        LuceneHnsw peer = null;
        Path luceneDir = out.resolve("lucene-index").resolve(prefix);
        for (int r = 0; r < buildRepeats; r++) {
            index = null;
            if (peer != null) {
                peer.close();
                peer = null;
            }
            System.gc();
            try (PhaseRecorder.Phase phase = recorder.start(prefix + "-sextant-build-" + (r + 1))) {
                long cpu = cpuNanos();
                long t = System.nanoTime();
                index = buildSextant(data, config, options);
                sextantSeconds[r] = (System.nanoTime() - t) / 1e9;
                sextantCpu[r] = (cpuNanos() - cpu) / 1e9;
            }
            log.printf(Locale.ROOT, "sextant build %d/%d: %.1f s (%.1f CPU s), %.0f vectors/s, %.0f per CPU s (load %.2f)%n",
                    r + 1, buildRepeats, sextantSeconds[r], sextantCpu[r], data.size() / sextantSeconds[r],
                    data.size() / sextantCpu[r], Machine.loadAverage());
            if (lucene) {
                System.gc();
                try (PhaseRecorder.Phase phase = recorder.start(prefix + "-lucene-build-" + (r + 1))) {
                    long cpu = cpuNanos();
                    peer = new LuceneHnsw(luceneDir, data, options.m() / 2, options.efConstruction());
                    luceneCpu[r] = (cpuNanos() - cpu) / 1e9;
                }
                luceneSeconds[r] = peer.buildSeconds();
                log.printf(Locale.ROOT, "lucene  build %d/%d: %.1f s (%.1f CPU s), %.0f vectors/s, %.0f per CPU s (load %.2f)%n",
                        r + 1, buildRepeats, luceneSeconds[r], luceneCpu[r], data.size() / luceneSeconds[r],
                        data.size() / luceneCpu[r], Machine.loadAverage());
            }
        }
        VectorSpace space = index.space(CollectionConfig.UNNAMED);
        VectorSpace.Stats stats = space.stats();
        log.printf(Locale.ROOT, "sextant index: %s%n", stats);
        if (stats.pending() != 0 || !stats.graph()) {
            throw new IllegalStateException("the index has no complete graph after the build: " + stats);
        }
        List<Build> builds = new ArrayList<>();
        builds.add(new Build("sextant", sextantSeconds, data.size() / Samples.median(sextantSeconds), sextantCpu,
                data.size() / Samples.median(sextantCpu), Machine.loadAverage()));
        if (lucene) {
            builds.add(new Build("lucene", luceneSeconds, data.size() / Samples.median(luceneSeconds), luceneCpu,
                    data.size() / Samples.median(luceneCpu), Machine.loadAverage()));
        }

        // nearest sweep
        System.gc();
        List<SweepPoint> sweep = new ArrayList<>();
        Map<String, double[]> latencyAtDefault = new LinkedHashMap<>();
        LuceneHnsw peerIndex = peer;
        ToIntFunction<PointId> position = id -> Arrays.binarySearch(data.ids(), id.num());
        NearestMethod sextantNearest = (q, ef) -> {
            List<VectorSpace.Candidate> found = space.nearest(q, K, ef, VectorSpace.ALL);
            int[] out = new int[found.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = position.applyAsInt(found.get(i).id());
            }
            return out;
        };
        NearestMethod luceneNearest = lucene ? (q, ef) -> peerIndex.search(q, K, ef, false) : null;
        // JIT warm-up at the default ef: one untimed pass each
        pass(sextantNearest, queryVectors, defaultEf);
        if (lucene) {
            pass(luceneNearest, queryVectors, defaultEf);
        }
        int[] sweepEfs = sortedWithDefault(efs, defaultEf);
        PhaseRecorder.Phase sweepPhase = recorder.start(prefix + "-nearest-sweep");
        for (int ef : sweepEfs) {
            List<Pass> sextantPasses = new ArrayList<>();
            List<Pass> lucenePasses = new ArrayList<>();
            for (int r = 0; r < repeats; r++) {
                sextantPasses.add(pass(sextantNearest, queryVectors, ef));
                if (lucene) {
                    lucenePasses.add(pass(luceneNearest, queryVectors, ef));
                }
            }
            SweepPoint s = sweepPoint("sextant", ef, sextantPasses, data, truth);
            sweep.add(s);
            String line = String.format(Locale.ROOT, "ef %4d  sextant recall %.4f %8.0f QPS/CPU s (%6.0f wall)", ef,
                    s.recall(), s.medianCpuQps(), s.medianQps());
            if (lucene) {
                SweepPoint l = sweepPoint("lucene", ef, lucenePasses, data, truth);
                sweep.add(l);
                line += String.format(Locale.ROOT, "   lucene recall %.4f %8.0f QPS/CPU s (%6.0f wall)", l.recall(),
                        l.medianCpuQps(), l.medianQps());
            }
            if (ef == defaultEf) {
                latencyAtDefault.put("Sextant index, ef " + ef, sextantPasses.get(sextantPasses.size() - 1).latenciesMs);
                if (lucene) {
                    latencyAtDefault.put("Lucene HNSW, ef " + ef, lucenePasses.get(lucenePasses.size() - 1).latenciesMs);
                }
            }
            log.printf(Locale.ROOT, "%s   (load %.2f)%n", line, Machine.loadAverage());
        }
        sweepPhase.close();
        // brute force on a prefix of the queries
        int bq = Math.min(bruteForceQueries, queryVectors.length);
        float[][] bruteQueries = Arrays.copyOf(queryVectors, bq);
        NearestMethod bruteNearest = (q, ef) -> brute.search(q, K, p -> true);
        pass(bruteNearest, Arrays.copyOf(bruteQueries, Math.min(20, bq)), 0);
        List<Pass> brutePasses = new ArrayList<>();
        for (int r = 0; r < repeats; r++) {
            brutePasses.add(pass(bruteNearest, bruteQueries, 0));
        }
        SweepPoint bf = sweepPoint("brute-force", 0, brutePasses, data, truth);
        sweep.add(bf);
        latencyAtDefault.put("brute force (exact)", brutePasses.get(brutePasses.size() - 1).latenciesMs);
        log.printf(Locale.ROOT, "brute force  recall %.4f %8.1f QPS/CPU s (%.1f wall; %d queries)   (load %.2f)%n",
                bf.recall(), bf.medianCpuQps(), bf.medianQps(), bq, Machine.loadAverage());

        // query kinds at the default ef
        List<KindResult> kinds;
        try (PhaseRecorder.Phase phase = recorder.start(prefix + "-kinds")) {
            kinds = runKinds(data, index, config, peer, defaultEf);
        }

        Ratios ratios = ratios(builds, sweep, defaultEf);
        DatasetReport report = new DatasetReport(data.name(), data.size(), data.dimension(), queryVectors.length,
                builds, sweep, kinds, ratios, stats.toString());
        writeCsv(results, prefix, report, latencyAtDefault);
        plot(data, prefix, sweep, latencyAtDefault, defaultEf);
        printTables(data, report);
        if (peer != null) {
            peer.close();
            LuceneHnsw.deleteRecursively(luceneDir);
        }
        return report;
    }

    private static CollectionIndex buildSextant(Dataset data, CollectionConfig config, IndexOptions options) {
        CollectionIndex index = new CollectionIndex(config, options);
        for (int i = 0; i < data.size(); i++) {
            index.upsert(new Point(PointId.of(data.ids()[i]), Map.of(CollectionConfig.UNNAMED, data.vectors()[i]),
                    data.payloads()[i]));
        }
        return index;
    }

    private static int[] sortedWithDefault(int[] efs, int defaultEf) {
        Set<Integer> all = new java.util.TreeSet<>();
        for (int ef : efs) {
            all.add(ef);
        }
        all.add(defaultEf);
        return all.stream().mapToInt(Integer::intValue).toArray();
    }

    /** A nearest search returning dataset positions, best first. */
    @FunctionalInterface
    interface NearestMethod {
        int[] search(float[] query, int ef);
    }

    /** One timed pass: each query's result and latency. */
    record Pass(int[][] results, double[] latenciesMs, double seconds, double cpuSeconds) {
        double qps() {
            return results.length / seconds;
        }

        double cpuQps() {
            return results.length / cpuSeconds;
        }
    }

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    /** CPU time of the calling thread, ns (user + system). */
    static long cpuNanos() {
        return THREADS.getCurrentThreadCpuTime();
    }

    private static Pass pass(NearestMethod method, float[][] queries, int ef) {
        int[][] results = new int[queries.length][];
        double[] latencies = new double[queries.length];
        long cpu = cpuNanos();
        long begin = System.nanoTime();
        for (int i = 0; i < queries.length; i++) {
            long t = System.nanoTime();
            results[i] = method.search(queries[i], ef);
            latencies[i] = (System.nanoTime() - t) / 1e6;
        }
        double seconds = (System.nanoTime() - begin) / 1e9;
        return new Pass(results, latencies, seconds, (cpuNanos() - cpu) / 1e9);
    }

    private static SweepPoint sweepPoint(String method, int ef, List<Pass> passes, Dataset data, int[][] truth) {
        Pass first = passes.get(0);
        long correct = 0;
        long wanted = 0;
        for (int i = 0; i < first.results.length; i++) {
            wanted += truth[i].length;
            correct += data.correct(data.queries()[i], truth[i], first.results[i]);
        }
        double[] qps = passes.stream().mapToDouble(Pass::qps).toArray();
        double[] cpuQps = passes.stream().mapToDouble(Pass::cpuQps).toArray();
        double[] latencies = passes.stream().flatMapToDouble(p -> Arrays.stream(p.latenciesMs)).toArray();
        return new SweepPoint(method, ef, correct / (double) wanted, qps, Samples.median(qps), cpuQps,
                Samples.median(cpuQps), Samples.percentile(latencies, 50), Samples.percentile(latencies, 99),
                Machine.loadAverage());
    }

    // ---- query kinds ------------------------------------------------------------------------------------

    private List<KindResult> runKinds(Dataset data, CollectionIndex index, CollectionConfig config, LuceneHnsw peer,
            int ef) {
        List<KindResult> out = new ArrayList<>();
        for (QueryKind kind : QueryKind.values()) {
            SplittableRandom random = new SplittableRandom(seed * 31 + kind.ordinal());
            List<ResolvedQuery> requests = new ArrayList<>();
            List<List<ScoredPoint>> truths = new ArrayList<>();
            for (int i = 0; i < kindQueries; i++) {
                ObjectNode body = kind.body(data, random, i);
                requests.add(resolve(body, index, config));
                ObjectNode exact = body.deepCopy();
                exact.putObject("params").put("exact", true);
                truths.add(index.search(resolve(exact, index, config)));
            }
            KindMethod sextant = index::search;
            KindMethod recipe = peer == null ? null : q -> luceneRecipe(q, data, peer, ef, kind.filtered);
            // one untimed pass each, then alternating timed passes
            kindPass(sextant, requests);
            if (recipe != null) {
                kindPass(recipe, requests);
            }
            List<KindPass> sextantPasses = new ArrayList<>();
            List<KindPass> lucenePasses = new ArrayList<>();
            for (int r = 0; r < repeats; r++) {
                sextantPasses.add(kindPass(sextant, requests));
                if (recipe != null) {
                    lucenePasses.add(kindPass(recipe, requests));
                }
            }
            KindResult s = kindResult(kind, "sextant", sextantPasses, requests, truths, index);
            out.add(s);
            String line = String.format(Locale.ROOT,
                    "%-30s sextant recall %.4f %7.1f QPS/CPU s (%7.1f wall) p50 %6.2f ms p99 %6.2f ms", kind.label,
                    s.recall(), s.medianCpuQps(), s.medianQps(), s.p50Ms(), s.p99Ms());
            if (recipe != null) {
                KindResult l = kindResult(kind, "lucene", lucenePasses, requests, truths, index);
                out.add(l);
                line += String.format(Locale.ROOT, " | lucene recall %.4f %7.1f QPS/CPU s", l.recall(), l.medianCpuQps());
            }
            log.printf(Locale.ROOT, "%s (load %.2f)%n", line, Machine.loadAverage());
        }
        return out;
    }

    private static ResolvedQuery resolve(ObjectNode body, CollectionIndex index, CollectionConfig config) {
        return QueryParser.parse(body).resolve(COLLECTION, name -> name.equals(COLLECTION) ? config : null,
                ref -> index.get(ref.id()));
    }

    /** A way to answer a resolved request with its top 10 (exact scores). */
    @FunctionalInterface
    interface KindMethod {
        List<ScoredPoint> answer(ResolvedQuery q);
    }

    record KindPass(List<List<ScoredPoint>> results, double[] latenciesMs, double seconds, double cpuSeconds) {
        double qps() {
            return results.size() / seconds;
        }

        double cpuQps() {
            return results.size() / cpuSeconds;
        }
    }

    private static KindPass kindPass(KindMethod method, List<ResolvedQuery> requests) {
        List<List<ScoredPoint>> results = new ArrayList<>(requests.size());
        double[] latencies = new double[requests.size()];
        long cpu = cpuNanos();
        long begin = System.nanoTime();
        for (int i = 0; i < requests.size(); i++) {
            long t = System.nanoTime();
            results.add(method.answer(requests.get(i)));
            latencies[i] = (System.nanoTime() - t) / 1e6;
        }
        double seconds = (System.nanoTime() - begin) / 1e9;
        return new KindPass(results, latencies, seconds, (cpuNanos() - cpu) / 1e9);
    }

    private static KindResult kindResult(QueryKind kind, String method, List<KindPass> passes,
            List<ResolvedQuery> requests, List<List<ScoredPoint>> truths, CollectionIndex index) {
        KindPass first = passes.get(0);
        long correct = 0;
        long wanted = 0;
        for (int i = 0; i < requests.size(); i++) {
            ResolvedQuery q = requests.get(i);
            List<ScoredPoint> truth = truths.get(i);
            wanted += truth.size();
            if (truth.isEmpty()) {
                continue;
            }
            float cutOff = truth.get(truth.size() - 1).score();
            for (ScoredPoint p : first.results.get(i)) {
                float exact = q.score(index.get(p.id()).vectors().get(CollectionConfig.UNNAMED));
                if (q.ascending() ? exact <= cutOff : exact >= cutOff) {
                    correct++;
                }
            }
        }
        double[] qps = passes.stream().mapToDouble(KindPass::qps).toArray();
        double[] cpuQps = passes.stream().mapToDouble(KindPass::cpuQps).toArray();
        double[] latencies = passes.stream().flatMapToDouble(p -> Arrays.stream(p.latenciesMs)).toArray();
        return new KindResult(kind.id(), method, wanted == 0 ? 1.0 : correct / (double) wanted, qps,
                Samples.median(qps), Samples.median(cpuQps), Samples.percentile(latencies, 50),
                Samples.percentile(latencies, 99));
    }

    /**
     * What a Lucene user would run for a query kind: one k-NN search (k = ef) per probe vector, the union of the
     * hits minus the examples rescored with the exact Qdrant formula ({@link ResolvedQuery#score}), best 10.
     * Probes: the query vector for nearest and {@code average_vector} (the averaged vector, as the index computes
     * it); each positive for {@code best_score}; the normalised {@code Σp − Σn} for {@code sum_scores} (its score
     * is linear in it); the target and each pair's positive for discover; each pair's positive for context.
     */
    static List<ScoredPoint> luceneRecipe(ResolvedQuery q, Dataset data, LuceneHnsw peer, int ef, boolean filtered) {
        Set<Integer> union = new LinkedHashSet<>();
        for (float[] probe : probes(q.query(), data.distance())) {
            for (int p : peer.search(probe, ef, ef, filtered)) {
                union.add(p);
            }
        }
        List<ScoredPoint> scored = new ArrayList<>(union.size());
        for (int p : union) {
            PointId id = PointId.of(data.ids()[p]);
            if (q.excludes(id) || (filtered && !data.matchesFilter(p))) {
                continue;
            }
            float s = q.score(data.vectors()[p]);
            if (q.passes(s)) {
                scored.add(new ScoredPoint(id, s, null, null));
            }
        }
        Comparator<ScoredPoint> order = dev.sextant.index.search.ResultOrder.of(q.ascending());
        scored.sort(order);
        return scored.size() > K ? scored.subList(0, K) : scored;
    }

    static List<float[]> probes(Query query, Distance distance) {
        if (query instanceof Nearest n) {
            return List.of(n.vector());
        }
        if (query instanceof RecommendBestScore b) {
            return b.positives();
        }
        if (query instanceof RecommendSumScores s) {
            float[] w = new float[s.positives().get(0).length];
            s.positives().forEach(v -> add(w, v, 1f));
            s.negatives().forEach(v -> add(w, v, -1f));
            return List.of(Distance.normalise(w));
        }
        List<float[]> probes = new ArrayList<>();
        List<ContextPair> pairs;
        if (query instanceof Discover d) {
            probes.add(d.target());
            pairs = d.pairs();
        } else {
            pairs = ((Context) query).pairs();
        }
        pairs.forEach(pair -> probes.add(pair.positive()));
        return probes;
    }

    private static void add(float[] into, float[] v, float sign) {
        for (int i = 0; i < into.length; i++) {
            into[i] += sign * v[i];
        }
    }

    // ---- ratios, files, plots, tables -------------------------------------------------------------------

    private Ratios ratios(List<Build> builds, List<SweepPoint> sweep, int defaultEf) {
        double buildRatio = builds.size() < 2 ? Double.NaN
                : builds.get(0).vectorsPerCpuSecond() / builds.get(1).vectorsPerCpuSecond();
        Map<String, double[]> atRecall = new LinkedHashMap<>();
        for (double level : RECALL_LEVELS) {
            double s = qpsAtRecall(sweep, "sextant", level);
            double l = qpsAtRecall(sweep, "lucene", level);
            atRecall.put(String.format(Locale.ROOT, "%.3f", level), new double[] {s, l, s / l,
                firstPointReaches(sweep, "sextant", level) ? 1 : 0, firstPointReaches(sweep, "lucene", level) ? 1 : 0});
        }
        double bruteQps = find(sweep, "brute-force", 0).medianCpuQps();
        SweepPoint sDefault = find(sweep, "sextant", defaultEf);
        SweepPoint lDefault = lucene ? find(sweep, "lucene", defaultEf) : null;
        return new Ratios(buildRatio, atRecall, defaultEf, sDefault.medianCpuQps() / bruteQps,
                lDefault == null ? Double.NaN : lDefault.medianCpuQps() / bruteQps);
    }

    private static SweepPoint find(List<SweepPoint> sweep, String method, int ef) {
        return sweep.stream().filter(p -> p.method().equals(method) && p.ef() == ef).findFirst().orElseThrow();
    }

    /** Whether the smallest ef of a method's sweep already reaches {@code level} (its QPS there is a lower bound). */
    static boolean firstPointReaches(List<SweepPoint> sweep, String method, double level) {
        return sweep.stream().filter(p -> p.method().equals(method)).min(Comparator.comparingInt(SweepPoint::ef))
                .map(p -> p.recall() >= level).orElse(false);
    }

    /**
     * The queries per CPU second at which a method reaches {@code level} recall: walking its sweep in ef order, the first point at or
     * above the level, interpolated linearly (in recall) with the point before it; NaN if never reached.
     */
    static double qpsAtRecall(List<SweepPoint> sweep, String method, double level) {
        List<SweepPoint> points = sweep.stream().filter(p -> p.method().equals(method))
                .sorted(Comparator.comparingInt(SweepPoint::ef)).toList();
        SweepPoint previous = null;
        for (SweepPoint p : points) {
            if (p.recall() >= level) {
                if (previous == null || previous.recall() >= p.recall()) {
                    return p.medianCpuQps();
                }
                double f = (level - previous.recall()) / (p.recall() - previous.recall());
                return previous.medianCpuQps() + f * (p.medianCpuQps() - previous.medianCpuQps());
            }
            previous = p;
        }
        return Double.NaN;
    }

    private void writeCsv(Path dir, String prefix, DatasetReport r, Map<String, double[]> latencies)
            throws IOException {
        StringBuilder b = new StringBuilder(
                "dataset,label,method,repeat,seconds,vectors_per_second,cpu_seconds,vectors_per_cpu_second,load_average\n");
        for (Build build : r.builds()) {
            for (int i = 0; i < build.seconds().length; i++) {
                b.append(String.format(Locale.ROOT, "%s,%s,%s,%d,%.3f,%.1f,%.3f,%.1f,%.2f%n", r.dataset(), label,
                        build.method(), i + 1, build.seconds()[i], r.size() / build.seconds()[i], build.cpuSeconds()[i],
                        r.size() / build.cpuSeconds()[i], build.loadAverage()));
            }
        }
        Files.writeString(dir.resolve(prefix + "-build.csv"), b);
        b = new StringBuilder("dataset,label,method,ef,recall_at_10,median_qps_per_cpu_second,median_qps_wall,p50_ms,"
                + "p99_ms,qps_per_cpu_second_per_pass,qps_wall_per_pass,load_average\n");
        for (SweepPoint p : r.sweep()) {
            b.append(String.format(Locale.ROOT, "%s,%s,%s,%d,%.4f,%.1f,%.1f,%.4f,%.4f,%s,%s,%.2f%n", r.dataset(), label,
                    p.method(), p.ef(), p.recall(), p.medianCpuQps(), p.medianQps(), p.p50Ms(), p.p99Ms(),
                    joined(p.cpuQps()), joined(p.qps()), p.loadAverage()));
        }
        Files.writeString(dir.resolve(prefix + "-nearest.csv"), b);
        b = new StringBuilder("dataset,label,kind,method,recall_at_10,median_qps_per_cpu_second,median_qps_wall,p50_ms,"
                + "p99_ms,qps_wall_per_pass\n");
        for (KindResult k : r.kinds()) {
            b.append(String.format(Locale.ROOT, "%s,%s,%s,%s,%.4f,%.1f,%.1f,%.4f,%.4f,%s%n", r.dataset(), label,
                    k.kind(), k.method(), k.recall(), k.medianCpuQps(), k.medianQps(), k.p50Ms(), k.p99Ms(),
                    joined(k.qps())));
        }
        Files.writeString(dir.resolve(prefix + "-kinds.csv"), b);
        StringBuilder lb = new StringBuilder("dataset,label,method,latency_ms\n");
        latencies.forEach((method, l) -> {
            for (double x : l) {
                lb.append(String.format(Locale.ROOT, "%s,%s,%s,%.4f%n", r.dataset(), label, method, x));
            }
        });
        Files.writeString(dir.resolve(prefix + "-latency.csv"), lb);
    }

    private static String joined(double[] values) {
        StringBuilder b = new StringBuilder();
        for (double v : values) {
            b.append(b.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.1f", v));
        }
        return b.toString();
    }

    private void plot(Dataset data, String prefix, List<SweepPoint> sweep, Map<String, double[]> latencies,
            int defaultEf) throws IOException {
        List<Plots.Curve> curves = new ArrayList<>();
        for (String method : List.of("sextant", "lucene", "brute-force")) {
            List<SweepPoint> points = sweep.stream().filter(p -> p.method().equals(method))
                    .sorted(Comparator.comparingInt(SweepPoint::ef)).toList();
            if (points.isEmpty()) {
                continue;
            }
            String name = switch (method) {
                case "sextant" -> "Sextant index (jvector " + Machine.current().jvectorProvider().replace(
                        "VectorizationProvider", "") + "), ef " + points.get(0).ef() + "–" + points.get(points.size() - 1).ef();
                case "lucene" -> "Lucene 9.12 HNSW (" + LuceneHnsw.vectorizationProvider().replace(
                        "VectorizationProvider", "") + "), ef " + points.get(0).ef() + "–" + points.get(points.size() - 1).ef();
                default -> "brute force (exact)";
            };
            curves.add(new Plots.Curve(name, points.stream().mapToDouble(SweepPoint::recall).toArray(),
                    points.stream().mapToDouble(SweepPoint::medianCpuQps).toArray()));
        }
        String what = String.format(Locale.ROOT, "%s, %,d x %d, Java %d", data.name(), data.size(), data.dimension(),
                Runtime.version().feature());
        Plots.recallVsQps(plots.resolve(prefix + "-recall-qps.png"), "Nearest search, recall@10 vs QPS: " + what,
                curves);
        Plots.latencyHistogram(plots.resolve(prefix + "-latency.png"),
                "Nearest search latency at ef " + defaultEf + ": " + what, latencies);
    }

    private void printTables(Dataset data, DatasetReport r) {
        log.printf(Locale.ROOT, "%n### %s, %s%n%n", data, label);
        log.println("| index | build, vectors per CPU second (median) | builds, CPU s |");
        log.println("|---|---|---|");
        for (Build b : r.builds()) {
            log.printf(Locale.ROOT, "| %s | %,.0f | %s |%n", b.method(), b.vectorsPerCpuSecond(), joined(b.cpuSeconds()));
        }
        log.println();
        log.println("| ef | Sextant recall@10 | Sextant QPS/CPU s | Sextant p50 / p99 ms | Lucene recall@10 | Lucene QPS/CPU s | Lucene p50 / p99 ms |");
        log.println("|---|---|---|---|---|---|---|");
        for (SweepPoint s : r.sweep()) {
            if (!s.method().equals("sextant")) {
                continue;
            }
            SweepPoint l = r.sweep().stream().filter(p -> p.method().equals("lucene") && p.ef() == s.ef()).findFirst()
                    .orElse(null);
            log.printf(Locale.ROOT, "| %d | %.4f | %,.0f | %.3f / %.3f | %s | %s | %s |%n", s.ef(), s.recall(),
                    s.medianCpuQps(), s.p50Ms(), s.p99Ms(), l == null ? "–" : String.format(Locale.ROOT, "%.4f", l.recall()),
                    l == null ? "–" : String.format(Locale.ROOT, "%,.0f", l.medianCpuQps()),
                    l == null ? "–" : String.format(Locale.ROOT, "%.3f / %.3f", l.p50Ms(), l.p99Ms()));
        }
        SweepPoint bf = find(r.sweep(), "brute-force", 0);
        log.printf(Locale.ROOT, "| brute force | %.4f | %,.1f | %.3f / %.3f | | | |%n%n", bf.recall(), bf.medianCpuQps(),
                bf.p50Ms(), bf.p99Ms());
        log.println("| kind | Sextant recall@10 | Sextant QPS/CPU s | Sextant p50 / p99 ms | Lucene recipe recall@10 | Lucene QPS/CPU s | Lucene p50 / p99 ms |");
        log.println("|---|---|---|---|---|---|---|");
        for (QueryKind kind : QueryKind.values()) {
            KindResult s = r.kinds().stream().filter(k -> k.kind().equals(kind.id()) && k.method().equals("sextant"))
                    .findFirst().orElseThrow();
            KindResult l = r.kinds().stream().filter(k -> k.kind().equals(kind.id()) && k.method().equals("lucene"))
                    .findFirst().orElse(null);
            log.printf(Locale.ROOT, "| %s | %.4f | %,.1f | %.2f / %.2f | %s | %s | %s |%n", kind.label, s.recall(),
                    s.medianCpuQps(), s.p50Ms(), s.p99Ms(),
                    l == null ? "–" : String.format(Locale.ROOT, "%.4f", l.recall()),
                    l == null ? "–" : String.format(Locale.ROOT, "%,.1f", l.medianCpuQps()),
                    l == null ? "–" : String.format(Locale.ROOT, "%.2f / %.2f", l.p50Ms(), l.p99Ms()));
        }
        Ratios ratios = r.ratios();
        log.printf(Locale.ROOT, "%nratios: build Sextant/Lucene %.2f; Sextant/brute force at ef %d %.1fx; "
                + "Lucene/brute force %.1fx%n", ratios.buildSextantOverLucene(), ratios.defaultEf(),
                ratios.sextantOverBruteForce(), ratios.luceneOverBruteForce());
        ratios.qpsAtRecall().forEach((level, v) -> log.printf(Locale.ROOT,
                "  at recall@10 %s: Sextant %s%,.0f QPS, Lucene %s%,.0f QPS, ratio %.2f%n", level, v[3] > 0 ? "≥ " : "",
                v[0], v[4] > 0 ? "≥ " : "", v[1], v[2]));
    }
}
