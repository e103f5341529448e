package dev.sextant.bench.jmh;

import dev.sextant.index.PointId;
import dev.sextant.index.search.ResultMerge;
import dev.sextant.index.search.ResultOrder;
import dev.sextant.index.search.ScoredPoint;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
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
 * {@link ResultMerge#merge}: the final page from each partition's sorted partial top {@code offset + limit}, in µs per
 * request, for 4 to 32 partitions and pages of 10 and 100 (what {@code MergeTopK} runs once per request).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class MergeBenchmark {
    @Param({"4", "32"})
    int partitions;

    @Param({"10", "100"})
    int limit;

    List<List<ScoredPoint>> partials;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(6);
        partials = new ArrayList<>();
        long id = 1;
        for (int p = 0; p < partitions; p++) {
            List<ScoredPoint> partial = new ArrayList<>();
            for (int i = 0; i < limit; i++) {
                partial.add(new ScoredPoint(PointId.of(id++), (float) random.nextDouble(), null, null));
            }
            partial.sort(ResultOrder.of(false));
            partials.add(List.copyOf(partial));
        }
    }

    @Benchmark
    public List<ScoredPoint> merge() {
        return ResultMerge.merge(partials, false, 0, limit);
    }
}
