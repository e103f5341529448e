package dev.sextant.bench.jmh;

import dev.sextant.index.Distance;
import dev.sextant.index.graph.MetricScoreProvider;
import dev.sextant.index.graph.VectorStore;
import dev.sextant.index.graph.Vectorization;
import io.github.jbellis.jvector.graph.similarity.ScoreFunction;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One similarity of a query to a stored vector, in ns, per metric and dimension, through the two kernels the index
 * uses: {@link Distance#similarity} (exact rescoring and exact scans; jvector's {@code VectorUtil} for Dot, Cosine
 * and Euclid since 2026-11-30, a plain loop before) and the jvector score function of {@link MetricScoreProvider}
 * (graph search and build: the same kernels plus the graph's score transform). L1 is a 4-accumulator loop in both.
 * Each invocation scores the query against {@value #VECTORS} stored vectors (1.5 MB at 384-d: in cache, so this is
 * the compute cost, not memory bandwidth).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ScoringBenchmark {
    static final int VECTORS = 1024;

    @Param({"128", "384"})
    int dimension;

    @Param({"COSINE", "DOT", "EUCLID", "MANHATTAN"})
    Distance distance;

    float[] query;
    float[][] vectors;
    ScoreFunction graphScore;

    @Setup
    public void setUp() {
        boolean unit = distance == Distance.COSINE;
        vectors = Vectors.random(VECTORS, dimension, unit, 1);
        query = Vectors.random(1, dimension, unit, 2)[0];
        VectorStore store = new VectorStore(dimension);
        for (int i = 0; i < VECTORS; i++) {
            store.set(i, vectors[i]);
        }
        graphScore = new MetricScoreProvider(distance, store, 0f).scoreFunction(query);
        System.out.println("jvector provider: " + Vectorization.providerName() + ", Java " + Runtime.version().feature());
    }

    @Benchmark
    @OperationsPerInvocation(VECTORS)
    public float exactKernel() {
        float sum = 0;
        for (float[] v : vectors) {
            sum += distance.similarity(query, v);
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(VECTORS)
    public float graphKernel() {
        float sum = 0;
        for (int i = 0; i < VECTORS; i++) {
            sum += graphScore.similarityTo(i);
        }
        return sum;
    }
}
