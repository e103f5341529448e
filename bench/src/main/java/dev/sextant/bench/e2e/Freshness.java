package dev.sextant.bench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sextant.bench.Dataset;
import dev.sextant.cli.Messages;
import dev.sextant.cli.Reply;
import dev.sextant.cli.SextantClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How soon a write is acknowledged and visible while requests run: new points are upserted at a fixed rate (upserts
 * of {@code batch} points with an {@code op_id}, sent on schedule) while requests run at a fixed rate beside them.
 *
 * <ul>
 *   <li><b>produce → acknowledged</b>: from an upsert's send to its acknowledgment, every upsert.</li>
 *   <li><b>produce → visible</b>: the first point of every {@code trackEvery}-th upsert is tracked; a probe request
 *       (no query, a {@code has_id} filter naming the tracked points not seen yet, at most {@link #PROBE_IDS}) is sent
 *       every {@code probeInterval}, and a point's lag is from its upsert's send to the arrival of the first probe
 *       answer that contains it. That is an upper bound: it includes the probe's own round trip and up to one probe
 *       interval. A probe without a query visits every point of every partition (it lists the points that pass the
 *       filter), so probes are kept few and small: sent for every point, 40 times a second, with hundreds of ids, they
 *       took 45 % of the job's CPU in a first version and were what they measured.</li>
 * </ul>
 * New points are the dataset's vectors with small seeded noise (σ 0.01 per component, renormalised) under fresh ids
 * from {@code idBase}, so the collection grows by rate × duration points.
 */
public final class Freshness {
    /** Most ids one probe asks for (the oldest unseen ones). */
    static final int PROBE_IDS = 20;

    /**
     * @param points points written
     * @param seconds writing time
     * @param ackSeconds from the first send to the last acknowledgment
     * @param ack produce → acknowledged, per upsert
     * @param visible produce → visible to a query, per tracked point (upper bound, see the class comment)
     * @param neverVisible tracked points still not seen at the end
     * @param requests the latency of the requests that ran beside the writes
     * @param probes the round trip of the probes
     */
    public record Result(long points, double seconds, double ackSeconds, Latency ack, Latency visible, long neverVisible, Latency requests,
            Latency probes) {}

    private final SextantClient client;
    private final LoadDriver driver;
    private final String collection;
    private final Duration timeout;

    public Freshness(SextantClient client, String collection, Duration timeout) {
        this.client = client;
        this.collection = collection;
        this.timeout = timeout;
        this.driver = new LoadDriver(client, collection, timeout);
    }

    /**
     * @param pointsPerSecond write rate (points)
     * @param batch points per upsert
     * @param requestRate requests per second beside the writes, cycling through {@code bodies}
     * @param probeInterval time between two visibility probes
     * @param trackEvery the first point of every this-many-th upsert is tracked for visibility
     */
    public Result run(Dataset data, long idBase, double pointsPerSecond, int batch, double requestRate,
            List<RequestKind> kinds, List<ObjectNode> bodies, Duration duration, Duration probeInterval, int trackEvery)
            throws InterruptedException {
        Latency ack = new Latency();
        Latency visible = new Latency();
        Latency requests = new Latency();
        Latency probes = new Latency();
        // tracked point id → send time of its upsert; removed once seen by a probe
        ConcurrentSkipListMap<Long, Long> unseen = new ConcurrentSkipListMap<>();
        Map<CompletableFuture<Reply>, Long> acksOutstanding = new ConcurrentHashMap<>();
        AtomicLong points = new AtomicLong();
        AtomicLong lastAck = new AtomicLong();

        Thread background = new Thread(() -> driver.fixedRate(kinds, bodies, requestRate, duration, new LoadDriver.Sink() {
            @Override
            public void ok(long dueNanos, long latencyNanos) {
                requests.record(latencyNanos);
            }

            @Override
            public void error(long dueNanos) {
                requests.error();
            }
        }), "bench-freshness-requests");
        background.setDaemon(true);
        background.start();

        volatileStop = false;
        Thread prober = new Thread(() -> probe(unseen, visible, probes, probeInterval), "bench-freshness-probes");
        prober.setDaemon(true);
        prober.start();

        SplittableRandom random = new SplittableRandom(idBase);
        long interval = (long) (1e9 * batch / pointsPerSecond);
        long start = System.nanoTime() + 20_000_000L;
        long end = start + duration.toNanos();
        long nextId = idBase;
        for (long i = 0; ; i++) {
            long due = start + i * interval;
            if (due >= end) {
                break;
            }
            LoadDriver.parkUntil(due);
            List<ObjectNode> batchPoints = new ArrayList<>(batch);
            long first = nextId;
            for (int j = 0; j < batch; j++) {
                int source = (int) (nextId % data.size());
                batchPoints.add(Ingest.point(nextId++, perturb(data.vectors()[source], random),
                        data.payloads()[source]));
            }
            ObjectNode op = Messages.upsert(collection, batchPoints);
            long sent = System.nanoTime();
            if (i % trackEvery == 0) {
                unseen.put(first, sent);
            }
            CompletableFuture<Reply> f = client.submitOp(op);
            acksOutstanding.put(f, sent);
            f.whenComplete((reply, error) -> {
                long now = System.nanoTime();
                if (acksOutstanding.remove(f) != null) {
                    if (error == null && reply.ok()) {
                        ack.record(now - sent);
                        lastAck.accumulateAndGet(now, Math::max);
                    } else {
                        ack.error();
                    }
                }
            });
            points.addAndGet(batch);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long deadline = System.nanoTime() + timeout.toNanos();
        while ((!acksOutstanding.isEmpty() || !unseen.isEmpty()) && System.nanoTime() < deadline) {
            Thread.sleep(20); // polling the two conditions above, bounded by the deadline
        }
        volatileStop = true;
        prober.join(timeout.toMillis());
        background.join(timeout.toMillis() * 2);
        acksOutstanding.keySet().forEach(f -> ack.error());
        return new Result(points.get(), seconds, (lastAck.get() - start) / 1e9, ack, visible, unseen.size(), requests, probes);
    }

    private volatile boolean volatileStop;

    /** Sends a probe every interval for the tracked points not seen yet, until stopped. */
    private void probe(ConcurrentSkipListMap<Long, Long> unseen, Latency visible, Latency probes, Duration interval) {
        long next = System.nanoTime();
        while (!volatileStop) {
            next += interval.toNanos();
            if (!unseen.isEmpty()) {
                ObjectNode body = JsonNodeFactory.instance.objectNode();
                ArrayNode ids = JsonNodeFactory.instance.arrayNode();
                unseen.keySet().stream().limit(PROBE_IDS).forEach(ids::add);
                ObjectNode hasId = JsonNodeFactory.instance.objectNode();
                hasId.set("has_id", ids);
                body.putObject("filter").putArray("must").add(hasId);
                body.put("limit", ids.size());
                long sent = System.nanoTime();
                client.submitRequest(driver.request("query", body)).whenComplete((reply, error) -> {
                    long now = System.nanoTime();
                    if (error != null || !reply.ok()) {
                        probes.error();
                        return;
                    }
                    probes.record(now - sent);
                    JsonNode found = reply.body().path("result").path("points");
                    for (JsonNode p : found) {
                        Long producedAt = unseen.remove(p.get("id").asLong());
                        if (producedAt != null) {
                            visible.record(now - producedAt);
                        }
                    }
                });
            }
            LoadDriver.parkUntil(next);
        }
    }

    /** The vector with N(0, 0.01²) noise per component, renormalised (Cosine). */
    static float[] perturb(float[] v, SplittableRandom random) {
        float[] out = new float[v.length];
        double norm = 0;
        for (int i = 0; i < v.length; i++) {
            double u = 1.0 - random.nextDouble();
            double g = Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2.0 * Math.PI * random.nextDouble());
            out[i] = (float) (v[i] + 0.01 * g);
            norm += out[i] * (double) out[i];
        }
        float scale = (float) (1.0 / Math.sqrt(norm));
        for (int i = 0; i < out.length; i++) {
            out[i] *= scale;
        }
        return out;
    }
}
