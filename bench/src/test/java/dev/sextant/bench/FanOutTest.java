package dev.sextant.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Smoke test of {@link FanOut} on the first 2,000 Debian packages with a graph from 256 points on (never a
 * benchmark: no timing is asserted): one row per (partitions, threads) with more partitions than threads skipped
 * the other way round, graph recall near exact, one table line per row.
 */
class FanOutTest {
    @Test
    void measuresEverySettingWithNearExactRecall() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        FanOut probe = new FanOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        probe.debianFile = Path.of("..", "data", "debian-packages-minilm-q.jsonl.gz");
        probe.debianLimit = 2_000;
        probe.queries = 30;
        probe.exactScanBelow = 256;
        probe.partitions = new int[] {1, 2};
        probe.threads = new int[] {1, 2};
        probe.repeats = 1;
        probe.ef = 100;

        List<FanOut.Row> rows = probe.run();

        assertEquals(List.of("1x1", "2x1", "2x2"), rows.stream().map(r -> r.partitions() + "x" + r.threads()).toList(),
                "a setting with more threads than partitions is skipped");
        for (FanOut.Row r : rows) {
            assertTrue(r.recall() >= 0.97 && r.recall() <= 1.0, "recall@10 " + r);
            assertTrue(r.searchCpuMicros() > 0 && r.queriesPerSecond() > 0, r.toString());
        }
        assertEquals(1.0, rows.get(0).speedup(), 1e-12, "the first row is the baseline");
        assertEquals(rows.get(1).recall(), rows.get(2).recall(), 1e-12, "the same partitions, the same answers");
        String table = printed.toString(StandardCharsets.UTF_8);
        assertEquals(3, table.lines().filter(l -> l.matches("\\| \\d \\| \\d \\| .*")).count(), table);
    }
}
