package dev.sextant.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sextant.bench.ComparisonReport.DatasetReport;
import dev.sextant.bench.ComparisonReport.KindResult;
import dev.sextant.bench.ComparisonReport.SweepPoint;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Smoke test of {@link IndexComparison} on tiny data (never a benchmark: no timing is asserted): a 2,000-point
 * synthetic set and the first 2,000 Debian packages, a graph from 256 points on, two ef values, one pass. Checks the
 * recall figures (brute force exact, graph and Lucene near it at ef 100, every query kind through the index), the CSV
 * rows and that the plots are real PNGs.
 */
class IndexComparisonTest {
    @TempDir
    Path dir;

    @Test
    void runsBothDatasetsAndWritesResultsAndPlots() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        IndexComparison harness = new IndexComparison(new PrintStream(printed, true, StandardCharsets.UTF_8));
        harness.datasets = List.of("synthetic", "debian");
        harness.debianFile = Path.of("..", "data", "debian-packages-minilm-q.jsonl.gz");
        harness.debianLimit = 2_000;
        harness.queries = 40;
        harness.syntheticSize = 2_000;
        harness.syntheticDimension = 16;
        harness.syntheticClusters = 10;
        harness.efs = new int[] {10, 100};
        harness.repeats = 1;
        harness.kindQueries = 8;
        harness.bruteForceQueries = 20;
        harness.exactScanBelow = 256;
        harness.out = dir.resolve("results");
        harness.plots = dir.resolve("plots");
        harness.label = "smoke";

        ComparisonReport report = harness.run();

        assertEquals(2, report.datasets().size());
        for (DatasetReport r : report.datasets()) {
            String name = r.dataset();
            assertEquals(name.equals("debian") ? 1_960 : 2_000, r.size(), name + " indexed points");
            assertEquals(2, r.builds().size(), name + " builds");
            // ef 10 and 100 for two methods, plus brute force
            assertEquals(5, r.sweep().size(), name + " sweep points");
            SweepPoint brute = point(r, "brute-force", 0);
            assertEquals(1.0, brute.recall(), 1e-9, name + " brute force is exact");
            assertTrue(point(r, "sextant", 100).recall() >= 0.95, name + " sextant recall at ef 100");
            assertTrue(point(r, "lucene", 100).recall() >= 0.9, name + " lucene recall at ef 100");
            assertEquals(2 * QueryKind.values().length, r.kinds().size(), name + " kind rows");
            for (KindResult k : r.kinds()) {
                if (k.method().equals("sextant")) {
                    assertTrue(k.recall() >= 0.9, name + " " + k.kind() + " recall " + k.recall());
                }
                assertTrue(k.medianQps() > 0, name + " " + k.kind() + " measured");
            }
            Path results = dir.resolve("results").resolve("smoke");
            assertEquals(1 + 5, Files.readAllLines(results.resolve(name + "-smoke-nearest.csv")).size());
            assertEquals(1 + 2 * QueryKind.values().length,
                    Files.readAllLines(results.resolve(name + "-smoke-kinds.csv")).size());
            for (String plot : List.of("-recall-qps.png", "-latency.png")) {
                BufferedImage image = ImageIO.read(dir.resolve("plots").resolve(name + "-smoke" + plot).toFile());
                assertEquals(900, image.getWidth(), plot);
                assertEquals(560, image.getHeight(), plot);
            }
        }
        assertTrue(Files.size(dir.resolve("results").resolve("smoke").resolve("summary.json")) > 1000);
        String log = printed.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("SIMD     jvector "), log);
    }

    private static SweepPoint point(DatasetReport r, String method, int ef) {
        return r.sweep().stream().filter(p -> p.method().equals(method) && p.ef() == ef).findFirst().orElseThrow();
    }
}
