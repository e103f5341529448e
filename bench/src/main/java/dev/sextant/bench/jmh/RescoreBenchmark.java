package dev.sextant.bench.jmh;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sextant.index.CollectionConfig;
import dev.sextant.index.Distance;
import dev.sextant.index.PointId;
import dev.sextant.index.query.QueryParser;
import dev.sextant.index.query.ResolvedQuery;
import dev.sextant.index.search.ResultOrder;
import dev.sextant.index.search.ScoredPoint;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Exact rescoring of {@code candidates} graph candidates (384-d, Cosine) with the Qdrant formula of a query kind
 * ({@link ResolvedQuery#score}) into a top 10 in {@link ResultOrder}: what every graph plan does after its searches
 * (design decision 7). µs per rescoring of the whole candidate list. Kinds: nearest (one similarity per candidate),
 * {@code best_score} 3+2 (five similarities and a sigmoid), context with 2 pairs (four similarities).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RescoreBenchmark {
    static final int DIMENSION = 384;
    static final int K = 10;

    @Param({"100", "1000"})
    int candidates;

    @Param({"nearest", "best_score", "context"})
    String kind;

    ResolvedQuery query;
    float[][] vectors;
    PointId[] ids;
    Comparator<ScoredPoint> order;

    @Setup
    public void setUp() {
        vectors = Vectors.random(candidates, DIMENSION, true, 3);
        ids = new PointId[candidates];
        for (int i = 0; i < candidates; i++) {
            ids[i] = PointId.of(i + 1);
        }
        float[][] examples = Vectors.random(5, DIMENSION, true, 4);
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode body = json.objectNode();
        switch (kind) {
            case "nearest" -> body.set("query", vector(examples[0]));
            case "best_score" -> {
                ObjectNode r = body.putObject("query").putObject("recommend");
                ArrayNode pos = r.putArray("positive");
                ArrayNode neg = r.putArray("negative");
                for (int i = 0; i < 3; i++) {
                    pos.add(vector(examples[i]));
                }
                neg.add(vector(examples[3])).add(vector(examples[4]));
                r.put("strategy", "best_score");
            }
            case "context" -> {
                ArrayNode pairs = body.putObject("query").putArray("context");
                pairs.addObject().set("positive", vector(examples[0]));
                ((ObjectNode) pairs.get(0)).set("negative", vector(examples[1]));
                pairs.addObject().set("positive", vector(examples[2]));
                ((ObjectNode) pairs.get(1)).set("negative", vector(examples[3]));
            }
            default -> throw new IllegalArgumentException(kind);
        }
        body.put("limit", K);
        CollectionConfig config = CollectionConfig.single(DIMENSION, Distance.COSINE);
        query = QueryParser.parse(body).resolve("c", name -> config, ref -> null);
        order = ResultOrder.of(query.ascending());
    }

    private static ArrayNode vector(float[] v) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode(v.length);
        for (float x : v) {
            a.add(x);
        }
        return a;
    }

    @Benchmark
    public List<ScoredPoint> rescore() {
        PriorityQueue<ScoredPoint> top = new PriorityQueue<>(K + 1, order.reversed());
        for (int i = 0; i < vectors.length; i++) {
            ScoredPoint p = new ScoredPoint(ids[i], query.score(vectors[i]), null, null);
            if (top.size() < K) {
                top.add(p);
            } else if (order.compare(p, top.peek()) < 0) {
                top.poll();
                top.add(p);
            }
        }
        List<ScoredPoint> out = new ArrayList<>(top);
        out.sort(order);
        return out;
    }
}
