package dev.sextant.bench.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A smoke run of {@code ./sextant bench} on a tiny synthetic dataset (2,000 × 16, so every partition and the
 * in-process index scan exactly): every phase runs, every output file is written, and recall@10 is exactly 1.0 for
 * every kind, end to end and in process. It checks the harness, not performance: no figure other than recall and
 * counts is asserted.
 */
class EndToEndBenchITCase {

    @Test
    void tinyRunWritesEveryOutputWithExactRecall(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        EndToEndBench bench = new EndToEndBench();
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        bench.log(new PrintStream(lines, true, StandardCharsets.UTF_8));
        int exit = new CommandLine(bench).execute("--out", out.toString(), "--label", "smoke",
                "--datasets", "synthetic", "--synthetic-size", "2000", "--synthetic-dim", "16",
                "--synthetic-clusters", "8", "--queries", "40", "--bodies", "10", "--recall-requests", "10",
                "--rate", "20", "--phase-seconds", "0.5", "--warmup-seconds", "0", "--warmup-mix-seconds", "1",
                "--concurrency", "4",
                "--inprocess-seconds", "0.1", "--freshness-seconds", "1", "--ingest-rate", "200",
                "--freshness-request-rate", "10", "--soak-minutes", "0.02", "--soak-rate", "10", "--timeout", "30");
        System.out.print(lines.toString(StandardCharsets.UTF_8)); // the run's log, for the surefire report
        assertEquals(0, exit, lines.toString(StandardCharsets.UTF_8));

        for (String file : new String[] {"summary.json", "report.md", "kinds.csv", "ingest.csv", "freshness.csv",
            "soak.csv", "synthetic-latency.png", "synthetic-latency-filtered.png", "soak-p99.png",
            "synthetic-nearest.hgrm", "synthetic-batch_filtered.hgrm"}) {
            assertTrue(Files.size(out.resolve(file)) > 0, file);
        }
        assertTrue(!Files.exists(out.resolve("stack")), "the stack's data are deleted without --keep-data");

        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        JsonNode dataset = summary.get("datasets").get(0);
        assertEquals(2000, dataset.get("points").asInt());
        assertEquals(RequestKind.values().length, dataset.get("kinds").size());
        for (JsonNode kind : dataset.get("kinds")) {
            String id = kind.get("kind").asText();
            assertEquals(1.0, kind.get("recall").asDouble(), 0.0, id);
            assertEquals(1.0, kind.get("inProcessRecall").asDouble(), 0.0, id);
            assertEquals(0, kind.get("fixedRate").get("errors").asLong(), id);
            // 20 requests/s for 0.5 s; a batch of 8 is due 8 times less often (every 400 ms)
            assertEquals(id.startsWith("batch") ? 2 : 10, kind.get("fixedRate").get("count").asLong(), id);
        }
        JsonNode freshness = dataset.get("freshness").get(0);
        assertEquals(200, freshness.get("points").asLong());
        assertEquals(0, freshness.get("neverVisible").asLong());
        assertEquals(20, freshness.get("ack").get("count").asLong());
        assertEquals(1, summary.get("soak").get("minutes").size());
        assertEquals(12, summary.get("soak").get("overall").get("count").asLong());
    }
}
