package dev.sextant.bench.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes a run's results directory: {@code summary.json} (the whole {@link E2eReport}), {@code kinds.csv},
 * {@code ingest.csv}, {@code freshness.csv}, {@code soak.csv}, one HdrHistogram percentile file per dataset and kind
 * at the fixed rate ({@code <dataset>-<kind>.hgrm}, ms), the PNG plots ({@link E2ePlots}) and {@code report.md}, the
 * markdown fragment for {@code docs/benchmarks.md}. Rewritten after each dataset, so a run cut short keeps what it
 * measured.
 */
final class Outputs {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Outputs() {}

    static void write(Path out, E2eReport report, Map<String, Map<RequestKind, Latency>> fixedRate) throws IOException {
        Files.createDirectories(out);
        JSON.writeValue(out.resolve("summary.json").toFile(), report);
        writeCsv(out, report);
        for (Map.Entry<String, Map<RequestKind, Latency>> d : fixedRate.entrySet()) {
            for (Map.Entry<RequestKind, Latency> k : d.getValue().entrySet()) {
                try (PrintStream ps = new PrintStream(
                        Files.newOutputStream(out.resolve(d.getKey() + "-" + k.getKey().id() + ".hgrm")), false,
                        StandardCharsets.UTF_8)) {
                    k.getValue().histogram().outputPercentileDistribution(ps, 1000.0);
                }
            }
            Map<String, Latency> plain = new LinkedHashMap<>();
            Map<String, Latency> filtered = new LinkedHashMap<>();
            d.getValue().forEach((kind, latency) -> (kind.filtered ? filtered : plain).put(kind.label, latency));
            String title = d.getKey() + ": latency through Kafka at " + fmt(report.settings().rate()) + " searches/s ("
                    + report.label() + ")";
            if (!plain.isEmpty()) {
                E2ePlots.latencyHistogram(out.resolve(d.getKey() + "-latency.png"), title, plain);
            }
            if (!filtered.isEmpty()) {
                E2ePlots.latencyHistogram(out.resolve(d.getKey() + "-latency-filtered.png"),
                        title + ", selective filter", filtered);
            }
        }
        if (report.soak() != null && !report.soak().minutes().isEmpty()) {
            E2ePlots.soak(out.resolve("soak-p99.png"), "soak: " + report.soak().dataset() + " at "
                    + fmt(report.soak().rate()) + " requests/s, every kind in turn (" + report.label() + ")",
                    report.soak().minutes());
        }
        Files.writeString(out.resolve("report.md"), markdown(report));
    }

    private static void writeCsv(Path out, E2eReport r) throws IOException {
        List<String> kinds = new ArrayList<>();
        kinds.add("label,dataset,kind,recall_at_10,fixed_rate_rps,fixed_p50_ms,fixed_p90_ms,fixed_p99_ms,fixed_p999_ms,"
                + "fixed_max_ms,fixed_count,fixed_errors,throughput_rps,closed_p50_ms,closed_p99_ms,closed_errors,"
                + "inprocess_qps,inprocess_recall_at_10,inprocess_p50_ms,throughput_over_inprocess");
        List<String> ingest = new ArrayList<>();
        ingest.add("label,dataset,points,dimension,ingest_seconds,ingest_points_per_s,ack_p50_ms,ack_p99_ms,"
                + "link_seconds,indexed_points_per_s,build_seconds,build_points_per_s,indexed_over_build");
        List<String> fresh = new ArrayList<>();
        fresh.add("label,dataset,points,points_per_s,acknowledged_points_per_s,request_rate,ack_p50_ms,ack_p99_ms,visible_p50_ms,visible_p99_ms,"
                + "never_visible,requests_p50_ms,requests_p99_ms,requests_errors,probe_p50_ms,probe_p99_ms");
        for (E2eReport.DatasetReport d : r.datasets()) {
            for (E2eReport.KindReport k : d.kinds()) {
                double kindRate = k.kind().startsWith("batch") ? r.settings().rate() / RequestKind.BATCH_SIZE
                        : r.settings().rate();
                kinds.add(csv(r.label(), d.dataset(), k.kind(), k.recall(), kindRate, k.fixedRate().p50Ms(),
                        k.fixedRate().p90Ms(), k.fixedRate().p99Ms(), k.fixedRate().p999Ms(), k.fixedRate().maxMs(),
                        k.fixedRate().count(), k.fixedRate().errors(), k.throughput(), k.closedLoop().p50Ms(),
                        k.closedLoop().p99Ms(), k.closedLoop().errors(), k.inProcessQps(), k.inProcessRecall(),
                        k.inProcessLatency().p50Ms(), k.throughputOverInProcess()));
            }
            ingest.add(csv(r.label(), d.dataset(), d.points(), d.dimension(), d.ingestSeconds(),
                    d.ingestPointsPerSecond(), d.ingestAckLatency().p50Ms(), d.ingestAckLatency().p99Ms(),
                    d.ingestLinkSeconds(), d.indexedPointsPerSecond(), d.buildSeconds(), d.buildPointsPerSecond(), d.ingestOverBuild()));
            for (E2eReport.FreshnessReport f : d.freshness()) {
                fresh.add(csv(r.label(), d.dataset(), f.points(), f.pointsPerSecond(), f.acknowledgedPointsPerSecond(),
                        f.requestRate(), f.ack().p50Ms(),
                        f.ack().p99Ms(), f.visible().p50Ms(), f.visible().p99Ms(), f.neverVisible(),
                        f.requests().p50Ms(), f.requests().p99Ms(), f.requests().errors(), f.probes().p50Ms(),
                        f.probes().p99Ms()));
            }
        }
        Files.write(out.resolve("kinds.csv"), kinds);
        Files.write(out.resolve("ingest.csv"), ingest);
        Files.write(out.resolve("freshness.csv"), fresh);
        if (r.soak() != null) {
            List<String> soak = new ArrayList<>();
            soak.add("label,dataset,minute,count,errors,p50_ms,p90_ms,p99_ms,max_ms");
            for (int m = 0; m < r.soak().minutes().size(); m++) {
                Latency.Summary s = r.soak().minutes().get(m);
                soak.add(csv(r.label(), r.soak().dataset(), m + 1, s.count(), s.errors(), s.p50Ms(), s.p90Ms(), s.p99Ms(),
                        s.maxMs()));
            }
            Files.write(out.resolve("soak.csv"), soak);
        }
    }

    private static String csv(Object... values) {
        StringBuilder b = new StringBuilder();
        for (Object v : values) {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(v instanceof Double d ? String.format(Locale.ROOT, "%.4f", d) : String.valueOf(v));
        }
        return b.toString();
    }

    /** The markdown fragment: one section per dataset, the soak, and the targets. */
    static String markdown(E2eReport r) {
        StringBuilder md = new StringBuilder();
        var m = r.machine();
        md.append(String.format(Locale.ROOT, "#### End to end, %s: Java %s (%s), jvector %s%n%n", r.label(),
                m.javaVersion(), m.javaVendor(), m.jvectorProvider()));
        md.append(String.format(Locale.ROOT, "Run started %s; %d processors (%s), heap %,d MiB; load average %.2f"
                        + " before, %.2f after. Embedded stack: parallelism %d, %d index partitions. Requests: limit 10,"
                        + " no payload; fixed rate %s requests/s (batches of 8: an eighth of that) for %s s per kind"
                        + " (latency from each request's due time); throughput: closed loop, %d requests outstanding, %s s after %s s of warm-up; before"
                        + " the first timed phase of a dataset, %s s of closed loop over every kind.%n%n",
                r.startedAt(), m.processors(), m.cpuModel(), m.maxHeapMb(), r.loadBefore(), r.loadAfter(),
                r.settings().parallelism(), r.settings().partitions(), fmt(r.settings().rate()),
                fmt(r.settings().phaseSeconds()), r.settings().concurrency(), fmt(r.settings().phaseSeconds()),
                fmt(r.settings().warmupSeconds()), fmt(r.settings().warmupMixSeconds())));
        for (E2eReport.DatasetReport d : r.datasets()) {
            md.append(String.format(Locale.ROOT, "**%s** (%s)%n%n", d.dataset(), d.description()));
            md.append(String.format(Locale.ROOT, "- ingest: %,.0f points/s acknowledged (%,d points in %.1f s, first"
                            + " send to last acknowledgment; ack latency p50 %.0f ms, p99 %.0f ms), every point linked"
                            + " %.1f s later: %,.0f points/s indexed; in-process build %,.0f points/s (%.1f s, one"
                            + " thread): ratio indexed / build **%.2f**%n", d.ingestPointsPerSecond(), d.points(),
                    d.ingestSeconds(), d.ingestAckLatency().p50Ms(), d.ingestAckLatency().p99Ms(),
                    d.ingestLinkSeconds(), d.indexedPointsPerSecond(), d.buildPointsPerSecond(), d.buildSeconds(),
                    d.ingestOverBuild()));
            for (E2eReport.FreshnessReport f : d.freshness()) {
                md.append(String.format(Locale.ROOT, "- freshness at %,.0f points/s (%,.0f/s acknowledged) with %s"
                                + " requests/s beside:"
                                + " produce → acknowledged p50 %.0f ms, p99 **%.0f ms**; produce → visible p50 %.0f ms,"
                                + " p99 **%.0f ms** (%d never seen; upper bound, probe round trip p50 %.0f ms); the"
                                + " requests beside: p50 %.0f ms, p99 %.0f ms, %d errors%n", f.pointsPerSecond(),
                        f.acknowledgedPointsPerSecond(),
                        fmt(f.requestRate()), f.ack().p50Ms(), f.ack().p99Ms(), f.visible().p50Ms(), f.visible().p99Ms(),
                        f.neverVisible(), f.probes().p50Ms(), f.requests().p50Ms(), f.requests().p99Ms(),
                        f.requests().errors()));
            }
            md.append("\n| kind | recall@10 | p50 ms | p99 ms | throughput req/s | in process req/s (recall) | e2e / in process |\n");
            md.append("|---|---|---|---|---|---|---|\n");
            for (E2eReport.KindReport k : d.kinds()) {
                md.append(String.format(Locale.ROOT, "| %s | %.4f | %.1f | %.1f | %.1f | %.1f (%.4f) | %.2f |%n",
                        k.label(), k.recall(), k.fixedRate().p50Ms(), k.fixedRate().p99Ms(), k.throughput(),
                        k.inProcessQps(), k.inProcessRecall(), k.throughputOverInProcess()));
            }
            md.append('\n');
        }
        if (r.soak() != null) {
            md.append(String.format(Locale.ROOT, "**soak** on %s, %s requests/s, %d minutes: p99 per minute (ms) ",
                    r.soak().dataset(), fmt(r.soak().rate()), r.soak().minutes().size()));
            List<String> p99 = new ArrayList<>();
            r.soak().minutes().forEach(s -> p99.add(String.format(Locale.ROOT, "%.0f", s.p99Ms())));
            md.append(String.join(" · ", p99));
            md.append(String.format(Locale.ROOT, "; last / second = **%.2f**; overall p50 %.1f ms, p99 %.1f ms, %d"
                            + " errors.%n%n", r.soak().lastOverSecond(), r.soak().overall().p50Ms(),
                    r.soak().overall().p99Ms(), r.soak().overall().errors()));
        }
        return md.toString();
    }

    static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    /** Deletes a directory tree; a missing one is fine. */
    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + dir, e);
        }
    }
}
