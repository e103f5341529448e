package dev.sextant.bench;

import dev.sextant.index.CollectionConfig;
import dev.sextant.index.IndexOptions;
import dev.sextant.index.Point;
import dev.sextant.index.PointId;
import dev.sextant.index.search.CollectionIndex;
import dev.sextant.index.search.VectorSpace;
import dev.sextant.job.SextantJob;
import dev.sextant.job.operators.PartitionKeys;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What the job's partitioning costs a query, without Kafka or Flink: the Debian set split into P partitions (one
 * {@link CollectionIndex} each, as one index partition holds them), every query searched in every partition and
 * the partial top-10s merged, the partitions divided among T threads as among the job's T index subtasks (thread t
 * searches partitions t, t + T, …, for every query, independently of the other threads, as a subtask does for the
 * broadcast requests). Reports per (P, T): the mean CPU time of one partition search, queries per second of wall
 * time, and recall@10 of the merged result against exact brute force at the same ef.
 *
 * <p>It separates the two things that make end-to-end throughput fall short of one in-process index (see
 * docs/benchmarks.md, "[end to end] Query latency and throughput"): P searches of graphs P times smaller instead of
 * one, and how much two threads gain on this machine's two cores.
 */
@Command(name = "fan-out", mixinStandardHelpOptions = true, sortOptions = false,
        description = "The cost of searching P partitions with T threads, in process (Debian set, nearest).")
public final class FanOut implements Callable<Integer> {
    @Option(names = "--debian-file", defaultValue = "data/debian-packages-minilm-q.jsonl.gz",
            description = "(default: ${DEFAULT-VALUE})")
    Path debianFile;

    @Option(names = "--debian-limit", defaultValue = "49443",
            description = "read at most this many packages (default: ${DEFAULT-VALUE})")
    int debianLimit = 49443;

    @Option(names = "--exact-scan-below", description = "override IndexOptions.exactScanBelow (tests only)")
    Integer exactScanBelow;

    @Option(names = "--partitions", split = ",", defaultValue = "1,2,4", description = "(default: ${DEFAULT-VALUE})")
    int[] partitions;

    @Option(names = "--threads", split = ",", defaultValue = "1,2", description = "(default: ${DEFAULT-VALUE})")
    int[] threads;

    @Option(names = "--queries", defaultValue = "1000", description = "held-out queries (default: ${DEFAULT-VALUE})")
    int queries;

    @Option(names = "--ef", defaultValue = "100", description = "search beam per partition (default: ${DEFAULT-VALUE})")
    int ef;

    @Option(names = "--repeats", defaultValue = "3",
            description = "timed passes over all queries per setting; the median is reported (default: ${DEFAULT-VALUE})")
    int repeats;

    private static final int K = 10;
    /** The collection name the partition hash includes. */
    private static final String COLLECTION = "fan-out";
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private final PrintStream log;

    /**
     * One line of the result.
     *
     * @param searchCpuMicros mean CPU time of one partition search, µs
     * @param queriesPerSecond median over the passes, wall clock
     * @param speedup queries per second relative to the first line's
     */
    public record Row(int partitions, int threads, double buildCpuSeconds, double searchCpuMicros,
            double queriesPerSecond, double recall, double speedup) {}

    public FanOut() {
        this(System.out);
    }

    FanOut(PrintStream log) {
        this.log = log;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new FanOut()).execute(args));
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        run();
        return 0;
    }

    /** Runs every (partitions, threads) setting, printing a Markdown table; returns its rows. */
    public List<Row> run() throws IOException, InterruptedException {
        Machine machine = Machine.current();
        log.printf(Locale.ROOT, "fan-out: Java %d, jvector %s, %d processors, load average %.2f%n",
                machine.javaFeature(), machine.jvectorProvider(), machine.processors(), Machine.loadAverage());
        Dataset data = DebianDataset.read(debianFile, debianLimit, queries);
        BruteForce brute = new BruteForce(data.distance(), data.vectors());
        int[][] truth = new int[data.queries().length][];
        for (int i = 0; i < truth.length; i++) {
            truth[i] = brute.search(data.queries()[i], K, p -> true);
        }
        List<Row> rows = new ArrayList<>();
        log.println();
        log.println("| partitions | threads | build CPU s | one partition search, CPU µs (mean) |"
                + " queries/s (wall, median) | recall@10 | queries/s vs 1 partition, 1 thread |");
        log.println("|---|---|---|---|---|---|---|");
        double baseline = Double.NaN;
        for (int p : partitions) {
            long cpu = CPU.getCurrentThreadCpuTime();
            VectorSpace[] spaces = build(data, p, options());
            double buildCpu = (CPU.getCurrentThreadCpuTime() - cpu) / 1e9;
            double recall = recall(data, spaces, truth);
            for (int t : threads) {
                if (t > p) {
                    continue;
                }
                double[] qps = new double[repeats];
                double searchCpuMicros = 0;
                searchAll(data, spaces, t); // warm-up
                for (int r = 0; r < repeats; r++) {
                    Pass pass = searchAll(data, spaces, t);
                    qps[r] = data.queries().length / pass.wallSeconds();
                    searchCpuMicros += pass.cpuSeconds() * 1e6 / ((double) data.queries().length * p) / repeats;
                }
                Arrays.sort(qps);
                double median = qps[repeats / 2];
                if (Double.isNaN(baseline)) {
                    baseline = median;
                }
                Row row = new Row(p, t, buildCpu, searchCpuMicros, median, recall, median / baseline);
                rows.add(row);
                log.printf(Locale.ROOT, "| %d | %d | %.1f | %.0f | %.0f | %.4f | %.2f |%n", p, t, buildCpu,
                        searchCpuMicros, median, recall, row.speedup());
            }
        }
        log.printf(Locale.ROOT, "%nload average %.2f at the end%n", Machine.loadAverage());
        return rows;
    }

    private IndexOptions options() {
        IndexOptions d = IndexOptions.defaults();
        return exactScanBelow == null ? d : d.withExactScanBelow(exactScanBelow);
    }

    /**
     * The points split as the job splits them ({@link PartitionKeys#partitionOf}); built on this thread. A point's id
     * in the index is its dataset position, so that results map back to vectors.
     */
    private static VectorSpace[] build(Dataset data, int p, IndexOptions options) {
        CollectionConfig config = CollectionConfig.single(data.dimension(), data.distance());
        PartitionKeys partitionKeys = new PartitionKeys(p, SextantJob.MAX_PARALLELISM);
        CollectionIndex[] indexes = new CollectionIndex[p];
        for (int i = 0; i < p; i++) {
            indexes[i] = new CollectionIndex(config, options);
        }
        for (int i = 0; i < data.size(); i++) {
            int partition = partitionKeys.partitionOf(COLLECTION, PointId.of(data.ids()[i]));
            indexes[partition].upsert(new Point(PointId.of(i), Map.of(CollectionConfig.UNNAMED, data.vectors()[i]),
                    null));
        }
        VectorSpace[] spaces = new VectorSpace[p];
        for (int i = 0; i < p; i++) {
            spaces[i] = indexes[i].space(CollectionConfig.UNNAMED);
        }
        return spaces;
    }

    /** Recall@10 of the merged partial top-10s ({@link Dataset#correct}, as in IndexComparison). */
    private double recall(Dataset data, VectorSpace[] spaces, int[][] truth) {
        long hits = 0;
        for (int q = 0; q < truth.length; q++) {
            float[] query = data.queries()[q];
            List<VectorSpace.Candidate> all = new ArrayList<>();
            for (VectorSpace space : spaces) {
                all.addAll(space.nearest(query, K, ef, VectorSpace.ALL));
            }
            all.sort(VectorSpace.ORDER);
            int[] merged = all.stream().limit(K).mapToInt(c -> (int) c.id().num()).toArray();
            hits += data.correct(query, truth[q], merged);
        }
        return hits / (double) (truth.length * K);
    }

    private record Pass(double wallSeconds, double cpuSeconds) {}

    /** Every query through every partition, the partitions dealt out to {@code t} threads that run freely. */
    private Pass searchAll(Dataset data, VectorSpace[] spaces, int t) throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(t);
        double[] cpu = new double[t];
        for (int w = 0; w < t; w++) {
            int worker = w;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    long c = CPU.getCurrentThreadCpuTime();
                    for (float[] query : data.queries()) {
                        for (int s = worker; s < spaces.length; s += t) {
                            spaces[s].nearest(query, K, ef, VectorSpace.ALL);
                        }
                    }
                    cpu[worker] = (CPU.getCurrentThreadCpuTime() - c) / 1e9;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            }, "fan-out-" + w);
            thread.start();
        }
        long wall = System.nanoTime();
        start.countDown();
        done.await();
        return new Pass((System.nanoTime() - wall) / 1e9, Arrays.stream(cpu).sum());
    }
}
