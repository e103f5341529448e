package dev.sextant.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sextant.cli.DebianPackages.Package;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * {@code ./sextant demo}: on a fresh {@link EmbeddedStack}, creates {@code debian_packages} (384, Cosine),
 * loads every package of the dataset with acknowledgments, runs the {@link DemoQueries} and a latency probe,
 * and prints what it did. Any error acknowledgment, error response or missing reply ends it with a
 * {@link SextantClientException}.
 */
final class Demo {

    static final String COLLECTION = "debian_packages";

    /** Settings of the demo run. */
    record Settings(Path dataset, int batchSize, int maxInFlight, Duration timeout, int latencySamples) {}

    private final EmbeddedStack stack;
    private final Settings settings;
    private final PrintStream out;
    private final boolean terminal;

    Demo(EmbeddedStack stack, Settings settings, PrintStream out, boolean terminal) {
        this.stack = stack;
        this.settings = settings;
        this.out = out;
        this.terminal = terminal;
    }

    /**
     * Starts reading the dataset on another thread, so that it overlaps with starting the stack.
     *
     * @return completes with the packages and the seconds the read took
     */
    static CompletableFuture<Timed<DebianPackages>> readAsync(Path dataset) {
        return CompletableFuture.supplyAsync(() -> {
            long t0 = System.nanoTime();
            try {
                return new Timed<>(DebianPackages.read(dataset), seconds(System.nanoTime() - t0));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + dataset + ": " + e.getMessage(), e);
            }
        });
    }

    /** A value and the seconds it took to make. */
    record Timed<T>(T value, double seconds) {}

    void run(CompletableFuture<Timed<DebianPackages>> reading) throws IOException {
        out.printf("Reading %s ... ", settings.dataset());
        out.flush();
        Timed<DebianPackages> read;
        try {
            read = reading.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            throw e;
        }
        DebianPackages packages = read.value();
        out.printf(Locale.ROOT, "%,d packages, %d dimensions (read in %.1f s, while the stack started)%n",
                packages.size(), DebianPackages.DIMENSION, read.seconds());

        try (SextantClient client = stack.client()) {
            PointLoader loader = new PointLoader(client, settings.batchSize(), settings.maxInFlight(),
                    settings.timeout());
            long t1 = System.nanoTime();
            out.printf("Creating collection %s (%d, Cosine) ... ", COLLECTION, DebianPackages.DIMENSION);
            out.flush();
            loader.recreateCollection(COLLECTION, DebianPackages.DIMENSION, "Cosine");
            out.printf(Locale.ROOT, "acknowledged (%.2f s)%n", seconds(System.nanoTime() - t1));

            out.printf(Locale.ROOT, "Loading %,d points in upserts of %d points, each with an op_id ...%n",
                    packages.size(), settings.batchSize());
            ProgressBar bar = new ProgressBar(out, terminal);
            PointLoader.Result loaded;
            try {
                loaded = loader.load(COLLECTION, packages.packages(), bar);
            } finally {
                bar.finish();
            }
            out.printf(Locale.ROOT, "Loaded %,d points in %.1f s: %,.0f points/s until acknowledged"
                            + " (stored in RocksDB keyed state and searchable; the partitions link the last ones into"
                            + " their HNSW graphs in the background)%n%n",
                    loaded.points(), seconds(loaded.elapsed().toNanos()), loaded.pointsPerSecond());

            List<Double> latencies = new ArrayList<>();
            List<DemoQueries.Example> examples = new DemoQueries(packages, COLLECTION).all();
            for (int i = 0; i < examples.size(); i++) {
                latencies.add(runExample(client, packages, i + 1, examples.size(), examples.get(i)));
            }
            latencyProbe(client, packages, latencies);
        }
    }

    private double runExample(SextantClient client, DebianPackages packages, int n, int of,
            DemoQueries.Example example) {
        ObjectNode request = example.request();
        out.printf("[%d/%d] %s%n", n, of, example.intent());
        out.printf("      %s %s%n", request.get("op").asText(), SextantClient.abbreviate(request.get("body")));
        out.printf("      ids: %s%n", legend(request.get("body"), packages));
        Reply reply = client.call(request, settings.timeout());
        JsonNode result = reply.body().get("result");
        if ("query_batch".equals(request.get("op").asText())) {
            JsonNode searches = request.get("body").get("searches");
            for (int i = 0; i < result.size(); i++) {
                out.printf("      search %d: %s%n", i + 1, SextantClient.abbreviate(searches.get(i)));
                printPoints(result.get(i).get("points"), packages);
            }
        } else {
            printPoints(result.get("points"), packages);
        }
        out.printf(Locale.ROOT, "      answered in %.1f ms%n%n", reply.latencyMillis());
        return reply.latencyMillis();
    }

    private void printPoints(JsonNode points, DebianPackages packages) {
        if (points == null || points.isEmpty()) {
            out.println("      (no results)");
            return;
        }
        for (JsonNode point : points) {
            JsonNode payload = point.get("payload");
            Package p = packages.byId(point.get("id").asLong());
            String name = payload != null && payload.has("name") ? payload.get("name").asText()
                    : p != null ? p.name() : point.get("id").asText();
            String summary = payload != null && payload.has("summary") ? payload.get("summary").asText()
                    : p != null ? p.summary() : "";
            out.printf(Locale.ROOT, "      %-28s %8.4f  %s%n", name, point.get("score").asDouble(), summary);
        }
    }

    /** The package names of the example ids in a request body, for the reader: "vim=47809, emacs=5132". */
    private static String legend(JsonNode body, DebianPackages packages) {
        Map<Long, String> names = new LinkedHashMap<>();
        if (body.has("searches")) {
            body.get("searches").forEach(search -> collectIds(search.path("query"), packages, names));
        } else {
            collectIds(body.path("query"), packages, names);
        }
        List<String> parts = new ArrayList<>();
        names.forEach((id, name) -> parts.add(name + "=" + id));
        return String.join(", ", parts);
    }

    /** Every integer inside a query is an example point id (vectors hold floats). */
    private static void collectIds(JsonNode query, DebianPackages packages, Map<Long, String> names) {
        if (query.isIntegralNumber()) {
            Package p = packages.byId(query.asLong());
            if (p != null) {
                names.put(query.asLong(), p.name());
            }
        } else if (query.isContainerNode()) {
            query.forEach(child -> collectIds(child, packages, names));
        }
    }

    /** Sequential recommend requests on random package pairs: the latency of one request at a time. */
    private void latencyProbe(SextantClient client, DebianPackages packages, List<Double> demoLatencies) {
        int samples = settings.latencySamples();
        if (samples <= 0) {
            return;
        }
        Random random = new Random(42);
        List<Double> latencies = new ArrayList<>();
        List<Double> jobTimes = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            ObjectNode body = Messages.json().createObjectNode();
            ObjectNode recommend = body.putObject("query").putObject("recommend");
            recommend.putArray("positive")
                    .add(packages.packages().get(random.nextInt(packages.size())).id())
                    .add(packages.packages().get(random.nextInt(packages.size())).id());
            body.put("limit", 10);
            Reply reply = client.call(Messages.query(COLLECTION, body), settings.timeout());
            latencies.add(reply.latencyMillis());
            jobTimes.add(reply.body().path("time").asDouble() * 1000);
        }
        out.printf(Locale.ROOT, "Median request latency: %.1f ms (p95 %.1f ms) over %d sequential recommend requests"
                        + " (2 random positive ids, limit 10), from send to response on the client;"
                        + " the job's own time (receipt to answer): median %.1f ms%n",
                median(latencies), percentile(latencies, 0.95), samples, median(jobTimes));
        out.printf(Locale.ROOT, "The %d example requests above: median %.1f ms%n", demoLatencies.size(),
                median(demoLatencies));
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** The nearest-rank percentile, {@code p} in (0, 1]. */
    static double percentile(List<Double> values, double p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
