package dev.sextant.bench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Reads the job's operator metrics through Flink's REST API (the embedded MiniCluster's, whose metric fetcher the
 * stack refreshes every second): here, how many points the index partitions still have to link into their graphs.
 */
final class JobMetrics {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INDEX_VERTEX = "IndexPartition";
    private static final String PENDING = "pointsPending";
    /** How often the embedded stack's REST API refetches metrics ({@code metrics.fetcher.update-interval}). */
    static final long FETCH_INTERVAL_MS = 1_000;
    /** Milliseconds between two reads of the metric. */
    static final long POLL_MS = 200;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String jobId;

    /**
     * @param restAddress the REST API's base address, e.g. {@code http://localhost:41234}
     * @param jobId the job's id (hex)
     */
    JobMetrics(String restAddress, String jobId) {
        this.base = restAddress.endsWith("/") ? restAddress.substring(0, restAddress.length() - 1) : restAddress;
        this.jobId = jobId;
    }

    /**
     * Waits until the index partitions report no unlinked point (the {@code pointsPending} gauge summed over the
     * subtasks), polling every {@value #POLL_MS} ms. A 0 counts only once {@value #FETCH_INTERVAL_MS} ms + 100 ms
     * have passed since the call: a value Flink fetched before the call (a stale 0) has expired by then. The time
     * returned is therefore at least that long and up to {@value #FETCH_INTERVAL_MS} ms late.
     *
     * @return the time waited
     * @throws IllegalStateException when the metric stays above 0 for {@code timeout} or cannot be read
     */
    Duration awaitAllLinked(Duration timeout) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long fresh = start + (FETCH_INTERVAL_MS + 100) * 1_000_000;
        String vertex = vertexId(INDEX_VERTEX);
        double pending = Double.NaN;
        while (System.nanoTime() < deadline) {
            pending = sum(vertex, PENDING);
            long now = System.nanoTime();
            if (pending == 0 && now >= fresh) {
                return Duration.ofNanos(now - start);
            }
            Thread.sleep(POLL_MS);
        }
        throw new IllegalStateException(INDEX_VERTEX + " still reports " + pending + " unlinked points after "
                + timeout.toSeconds() + " s");
    }

    private String vertexId(String name) {
        for (JsonNode v : get("/jobs/" + jobId).path("vertices")) {
            if (v.path("name").asText().contains(name)) {
                return v.path("id").asText();
            }
        }
        throw new IllegalStateException("job " + jobId + " has no vertex named " + name);
    }

    /** The gauge summed over the vertex's subtasks, or NaN while Flink has not fetched it yet. */
    private double sum(String vertex, String metric) {
        String path = "/jobs/" + jobId + "/vertices/" + vertex + "/subtasks/metrics";
        String id = null;
        for (JsonNode m : get(path)) {
            String name = m.path("id").asText();
            if (name.equals(metric) || name.endsWith("." + metric)) {
                id = name;
            }
        }
        if (id == null) {
            return Double.NaN;
        }
        JsonNode values = get(path + "?get=" + id + "&agg=sum");
        return values.isArray() && !values.isEmpty() ? values.get(0).path("sum").asDouble(Double.NaN) : Double.NaN;
    }

    private JsonNode get(String path) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + path + ": HTTP " + response.statusCode());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("GET " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
