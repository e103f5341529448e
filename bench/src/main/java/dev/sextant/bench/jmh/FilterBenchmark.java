package dev.sextant.bench.jmh;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sextant.index.Point;
import dev.sextant.index.PointId;
import dev.sextant.index.filter.Filter;
import dev.sextant.index.filter.FilterParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.SplittableRandom;
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
 * One filter test ({@link Filter#test(Point)}) in ns, over {@value #POINTS} payloads shaped like the Debian
 * dataset's ({@code section}, {@code priority}, {@code installed_size}, {@code tags}, {@code architecture}, …),
 * for three filters: a single keyword match, a {@code match.any} over 3 sections, and a must/should/must_not
 * combination with a range and an array field. Graph searches call it per expanded node and exact scans per point.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class FilterBenchmark {
    static final int POINTS = 4096;
    static final String[] SECTIONS = {"python", "doc", "perl", "devel", "utils", "haskell", "net", "rust", "golang",
        "javascript", "java", "science", "games", "graphics", "sound", "editors"};
    static final String[] TAGS = {"role::program", "interface::commandline", "implemented-in::c", "use::editing",
        "devel::doc", "made-of::html", "role::documentation", "game::strategy", "implemented-in::python"};

    @Param({"match", "match_any", "must_should_must_not"})
    String filter;

    Point[] points;
    Filter parsed;

    @Setup
    public void setUp() {
        String json = switch (filter) {
            case "match" -> "{\"must\":[{\"key\":\"section\",\"match\":{\"value\":\"games\"}}]}";
            case "match_any" -> "{\"must\":[{\"key\":\"section\",\"match\":{\"any\":[\"python\",\"doc\",\"perl\"]}}]}";
            case "must_should_must_not" -> "{\"must\":[{\"key\":\"architecture\",\"match\":{\"value\":\"amd64\"}},"
                    + "{\"key\":\"installed_size\",\"range\":{\"gte\":100,\"lt\":50000}}],"
                    + "\"should\":[{\"key\":\"tags\",\"match\":{\"any\":[\"role::program\",\"use::editing\"]}},"
                    + "{\"key\":\"section\",\"match\":{\"any\":[\"editors\",\"utils\"]}}],"
                    + "\"must_not\":[{\"key\":\"priority\",\"match\":{\"value\":\"extra\"}}]}";
            default -> throw new IllegalArgumentException(filter);
        };
        try {
            parsed = FilterParser.parse(new ObjectMapper().readTree(json), "filter");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SplittableRandom random = new SplittableRandom(5);
        JsonNodeFactory f = JsonNodeFactory.instance;
        points = new Point[POINTS];
        for (int i = 0; i < POINTS; i++) {
            ObjectNode payload = f.objectNode();
            payload.put("name", "package-" + i);
            payload.put("version", "1.0-" + i);
            payload.put("summary", "a package summary of moderate length, number " + i);
            payload.put("section", SECTIONS[random.nextInt(SECTIONS.length)]);
            payload.put("priority", random.nextInt(200) == 0 ? "extra" : "optional");
            payload.put("installed_size", random.nextInt(10_000));
            ArrayNode tags = payload.putArray("tags");
            int n = random.nextInt(3) == 0 ? 1 + random.nextInt(4) : 0;
            for (int t = 0; t < n; t++) {
                tags.add(TAGS[random.nextInt(TAGS.length)]);
            }
            payload.put("architecture", random.nextBoolean() ? "all" : "amd64");
            payload.put("homepage", "https://example.org/" + i);
            points[i] = new Point(PointId.of(i + 1), Map.of(), payload);
        }
    }

    @Benchmark
    @OperationsPerInvocation(POINTS)
    public int test() {
        int admitted = 0;
        for (Point p : points) {
            if (parsed.test(p)) {
                admitted++;
            }
        }
        return admitted;
    }
}
