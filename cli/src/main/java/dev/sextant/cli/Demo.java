package dev.sextant.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sextant.cli.DebianPackages.Package;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

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

    void run() throws IOException {
        long t0 = System.nanoTime();
        out.printf("Reading %s ... ", settings.dataset());
        out.flush();
        DebianPackages packages = DebianPackages.read(settings.dataset());
        out.printf(Locale.ROOT, "%,d packages, %d dimensions (%.1f s)%n", packages.size(), DebianPackages.DIMENSION,
                seconds(System.nanoTime() - t0));

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
                            + " (stored in RocksDB keyed state and indexed in the HNSW partitions)%n%n",
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

    /** The package names of the ids in a request body, for the reader: "vim=46497, emacs=13620". */
    private static String legend(JsonNode body, DebianPackages packages) {
        Map<Long, String> names = new LinkedHashMap<>();
        collectIds(body, packages, names, false);
        List<String> parts = new ArrayList<>();
        names.forEach((id, name) -> parts.add(name + "=" + id));
        return String.join(", ", parts);
    }

    private static void collectIds(JsonNode node, DebianPackages packages, Map<Long, String> names, boolean exampleField) {
        if (node.isIntegralNumber() && exampleField) {
            Package p = packages.byId(node.asLong());
            if (p != null) {
                names.put(node.asLong(), p.name());
            }
        } else if (node.isArray()) {
            node.forEach(child -> collectIds(child, packages, names, exampleField));
        } else if (node.isObject()) {
            node.fields().forEachRemaining(e -> collectIds(e.getValue(), packages, names,
                    !e.getKey().equals("limit") && !e.getKey().equals("range") && !e.getKey().equals("offset")));
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
        for (int i = 0; i < samples; i++) {
            ObjectNode body = Messages.json().createObjectNode();
            ObjectNode recommend = body.putObject("query").putObject("recommend");
            recommend.putArray("positive")
                    .add(packages.packages().get(random.nextInt(packages.size())).id())
                    .add(packages.packages().get(random.nextInt(packages.size())).id());
            body.put("limit", 10);
            latencies.add(client.call(Messages.query(COLLECTION, body), settings.timeout()).latencyMillis());
        }
        out.printf(Locale.ROOT, "Median request latency: %.1f ms (p95 %.1f ms) over %d sequential recommend"
                        + " requests (2 random positive ids, limit 10), Kafka round trip included;"
                        + " the %d example requests above: median %.1f ms%n",
                median(latencies), percentile(latencies, 0.95), samples, demoLatencies.size(),
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
