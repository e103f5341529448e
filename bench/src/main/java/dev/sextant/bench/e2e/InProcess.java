package dev.sextant.bench.e2e;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sextant.bench.Dataset;
import dev.sextant.index.CollectionConfig;
import dev.sextant.index.IndexOptions;
import dev.sextant.index.Point;
import dev.sextant.index.PointId;
import dev.sextant.index.query.QueryParser;
import dev.sextant.index.query.QueryRequest;
import dev.sextant.index.search.CollectionIndex;
import dev.sextant.index.search.ScoredPoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The {@code index} module alone, in the benchmark's JVM, on one thread: one {@link CollectionIndex} holding every
 * point of the dataset (the job splits them over {@code sextant.partitions} partitions), built by upserting the
 * points in dataset order, then asked the same request bodies as the end-to-end run. A request's time covers what
 * the job does for it apart from Kafka and Flink: parsing the body ({@link QueryParser}), resolving the example ids
 * against the stored points ({@link QueryRequest#resolve}) and searching ({@link CollectionIndex#search}); for a
 * batch, all of its searches.
 */
public final class InProcess {
    private static final String COLLECTION = "bench";

    /**
     * @param points points indexed
     * @param seconds build time, one thread
     */
    public record Build(int points, double seconds) {
        public double pointsPerSecond() {
            return points / seconds;
        }
    }

    /**
     * @param requests requests answered in the timed window
     * @param seconds the timed window
     * @param recall mean recall@10 against the same requests with {@code params.exact: true}
     * @param latency per request
     */
    public record Queries(long requests, double seconds, double recall, Latency latency) {
        public double requestsPerSecond() {
            return requests / seconds;
        }
    }

    private final CollectionConfig config;
    private final CollectionIndex index;
    private final Function<String, CollectionConfig> catalog;

    public InProcess(int dimension, IndexOptions options) {
        this.config = CollectionConfig.single(dimension, dev.sextant.index.Distance.COSINE);
        this.index = new CollectionIndex(config, options);
        this.catalog = name -> COLLECTION.equals(name) ? config : null;
    }

    /** Upserts every point of the dataset (vectors already normalised) and times it. */
    public Build build(Dataset data) {
        long t0 = System.nanoTime();
        for (int i = 0; i < data.size(); i++) {
            index.upsert(new Point(PointId.of(data.ids()[i]), Map.of(CollectionConfig.UNNAMED, data.vectors()[i]),
                    data.payloads()[i]));
        }
        return new Build(data.size(), (System.nanoTime() - t0) / 1e9);
    }

    /**
     * Answers {@code bodies} round robin for {@code warmup}, then for {@code measure}, and measures the recall of
     * the first {@code recallBodies} bodies.
     */
    public Queries run(RequestKind kind, List<ObjectNode> bodies, int recallBodies, Duration warmup, Duration measure) {
        int recalled = Math.min(recallBodies, bodies.size());
        double recall = 0;
        for (ObjectNode body : bodies.subList(0, recalled)) {
            recall += recall(answer(kind, body), answer(kind, RequestKind.exact(body)));
        }
        recall /= recalled;
        long end = System.nanoTime() + warmup.toNanos();
        int i = 0;
        while (System.nanoTime() < end) {
            answer(kind, bodies.get(i++ % bodies.size()));
        }
        Latency latency = new Latency();
        long start = System.nanoTime();
        end = start + measure.toNanos();
        long n = 0;
        long now = start;
        while (now < end || n == 0) {
            answer(kind, bodies.get(i++ % bodies.size()));
            long t = System.nanoTime();
            latency.record(t - now);
            now = t;
            n++;
        }
        return new Queries(n, (now - start) / 1e9, recall, latency);
    }

    /** The points of every search of the request. */
    List<List<ScoredPoint>> answer(RequestKind kind, ObjectNode body) {
        List<QueryRequest> requests = kind.batch() ? QueryParser.parseBatch(body) : List.of(QueryParser.parse(body));
        List<List<ScoredPoint>> out = new ArrayList<>(requests.size());
        for (QueryRequest r : requests) {
            out.add(index.search(r.resolve(COLLECTION, catalog, ref -> index.get(ref.id()))));
        }
        return out;
    }

    /** Mean recall over the searches (definition of {@link Recall}). */
    static double recall(List<List<ScoredPoint>> answer, List<List<ScoredPoint>> exact) {
        double sum = 0;
        for (int s = 0; s < exact.size(); s++) {
            List<ScoredPoint> e = exact.get(s);
            if (e.isEmpty()) {
                sum += 1;
                continue;
            }
            double cutoff = e.get(e.size() - 1).score();
            int correct = 0;
            for (ScoredPoint p : answer.get(s)) {
                if (p.score() >= cutoff - Recall.EPSILON) {
                    correct++;
                }
            }
            sum += Math.min(correct, e.size()) / (double) e.size();
        }
        return exact.isEmpty() ? 1 : sum / exact.size();
    }
}
