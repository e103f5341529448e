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
 *   <li><b>produce → visible</b>: the first point of every {@code trackEvery}-th upsert is tracked; a probe, a
 *       {@code query_batch} with one nearest search (limit 1) for the vector of each of the oldest
 *       {@link #PROBE_IDS} tracked points not seen yet, is sent every {@code probeInterval} (never two at once), and
 *       a point is visible when it is the top result of its search (its own vector scores 1.0; the noise makes it
 *       unique). Its lag is from its upsert's send to the arrival of that answer: an upper bound, including the
 *       probe's round trip and up to one probe interval. A first version probed with a {@code has_id} filter and
 *       no query; such a request visits every point of every partition, and the probes took more than half of the
 *       partitions' time: they were what they measured.</li>
 * </ul>
 * New points are the dataset's vectors with small seeded noise (σ 0.01 per component, renormalised) under fresh ids
 * from {@code idBase}, so the collection grows by rate × duration points.
 */
public final class Freshness {
    /** Most tracked points one probe looks for (the oldest unseen ones). */
    static final int PROBE_IDS = 4;

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
        ConcurrentSkipListMap<Long, Tracked> unseen = new ConcurrentSkipListMap<>();
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
            float[] firstVector = null;
            for (int j = 0; j < batch; j++) {
                int source = (int) (nextId % data.size());
                float[] v = perturb(data.vectors()[source], random);
                firstVector = j == 0 ? v : firstVector;
                batchPoints.add(Ingest.point(nextId++, v, data.payloads()[source]));
            }
            ObjectNode op = Messages.upsert(collection, batchPoints);
            long sent = System.nanoTime();
            if (i % trackEvery == 0) {
                unseen.put(first, new Tracked(sent, firstVector));
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

    /** A tracked point: when its upsert was sent, and its vector (the probe's query). */
    private record Tracked(long sentNanos, float[] vector) {}

    /**
     * Sends a probe every interval for the oldest tracked points not seen yet, until stopped; never more than one
     * probe outstanding, so that probing cannot pile up on a job that is behind.
     */
    private void probe(ConcurrentSkipListMap<Long, Tracked> unseen, Latency visible, Latency probes, Duration interval) {
        long next = System.nanoTime();
        java.util.concurrent.atomic.AtomicBoolean outstanding = new java.util.concurrent.atomic.AtomicBoolean();
        while (!volatileStop) {
            next += interval.toNanos();
            if (!unseen.isEmpty() && outstanding.compareAndSet(false, true)) {
                List<Long> ids = unseen.keySet().stream().limit(PROBE_IDS).toList();
                ObjectNode body = JsonNodeFactory.instance.objectNode();
                ArrayNode searches = body.putArray("searches");
                for (Long id : ids) {
                    ObjectNode search = searches.addObject();
                    ArrayNode v = search.putArray("query");
                    for (float x : unseen.get(id).vector()) {
                        v.add(x);
                    }
                    search.put("limit", 1);
                }
                long sent = System.nanoTime();
                client.submitRequest(driver.request("query_batch", body)).whenComplete((reply, error) -> {
                    long now = System.nanoTime();
                    outstanding.set(false);
                    if (error != null || !reply.ok()) {
                        probes.error();
                        return;
                    }
                    probes.record(now - sent);
                    JsonNode results = reply.body().path("result");
                    for (int i = 0; i < ids.size() && i < results.size(); i++) {
                        JsonNode top = results.get(i).path("points").path(0);
                        if (top.path("id").asLong(-1) == ids.get(i)) {
                            Tracked t = unseen.remove(ids.get(i));
                            if (t != null) {
                                visible.record(now - t.sentNanos());
                            }
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
