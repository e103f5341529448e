package dev.sextant.bench.jmh;

import dev.sextant.bench.LuceneHnsw;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.util.VectorUtil;
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
 * Lucene 9.12's float kernels ({@code VectorUtil.dotProduct}, {@code squareDistance}) on the data of
 * {@link ScoringBenchmark}, ns per similarity: the peer's cost of one graph comparison on the same JDK (Lucene has no
 * L1 kernel). Lucene uses Panama on Java 20–22, and on 23+ only with
 * {@code -Dorg.apache.lucene.vectorization.upperJavaFeatureVersion=<feature>}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class LuceneKernelBenchmark {
    @Param({"128", "384"})
    int dimension;

    float[] query;
    float[][] vectors;

    @Setup
    public void setUp() {
        vectors = Vectors.random(ScoringBenchmark.VECTORS, dimension, true, 1);
        query = Vectors.random(1, dimension, true, 2)[0];
        System.out.println("Lucene provider: " + LuceneHnsw.vectorizationProvider() + ", Java "
                + Runtime.version().feature());
    }

    @Benchmark
    @OperationsPerInvocation(ScoringBenchmark.VECTORS)
    public float dotProduct() {
        float sum = 0;
        for (float[] v : vectors) {
            sum += VectorUtil.dotProduct(query, v);
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(ScoringBenchmark.VECTORS)
    public float squareDistance() {
        float sum = 0;
        for (float[] v : vectors) {
            sum += VectorUtil.squareDistance(query, v);
        }
        return sum;
    }
}
