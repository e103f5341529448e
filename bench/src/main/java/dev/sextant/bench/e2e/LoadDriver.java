package dev.sextant.bench.e2e;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sextant.cli.Reply;
import dev.sextant.cli.SextantClient;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends requests through Kafka ({@link SextantClient}) and measures their latency from the client's side.
 *
 * <ul>
 *   <li><b>Open loop</b> ({@link #fixedRate}): requests are due at a fixed rate whatever the answers do, and each
 *       latency is measured from the moment the request was <em>due</em>, not from when it was actually sent, so a
 *       stalled sender does not hide the stall (no coordinated omission).</li>
 *   <li><b>Closed loop</b> ({@link #closedLoop}): a fixed number of requests outstanding, a new one sent as soon as
 *       one is answered; the completions per second in the measured window are the sustained throughput.</li>
 * </ul>
 */
public final class LoadDriver {

    /** Receives each successful request: when it was due (ns, {@link System#nanoTime}) and its latency (ns). */
    public interface Sink {
        void ok(long dueNanos, long latencyNanos);

        void error(long dueNanos);
    }

    /**
     * What a closed-loop run achieved.
     *
     * @param completed requests answered successfully inside the measured window
     * @param seconds the measured window
     * @param latency latency (from send) of the requests sent in the window
     */
    public record Throughput(long completed, double seconds, Latency latency) {
        public double requestsPerSecond() {
            return completed / seconds;
        }
    }

    private final SextantClient client;
    private final String collection;
    private final Duration replyTimeout;

    public LoadDriver(SextantClient client, String collection, Duration replyTimeout) {
        this.client = client;
        this.collection = collection;
        this.replyTimeout = replyTimeout;
    }

    /** Sends one request of {@code kind} with a copy of {@code body}. */
    public CompletableFuture<Reply> send(RequestKind kind, ObjectNode body) {
        return client.submitRequest(request(kind.op(), body.deepCopy()));
    }

    /** A protocol-v1 request message ({@code op}, {@code collection}, {@code body}); the client adds the id. */
    public ObjectNode request(String op, ObjectNode body) {
        ObjectNode request = JsonNodeFactory.instance.objectNode();
        request.put("op", op);
        request.put("collection", collection);
        request.set("body", body);
        return request;
    }

    /**
     * Sends {@code bodies} round robin at {@code rate} requests per second for {@code duration}, then waits for the
     * outstanding replies (at most the reply timeout; a reply missing then is an error).
     *
     * @param kinds the kind of each body (same length), so one run can mix kinds
     */
    public void fixedRate(List<RequestKind> kinds, List<ObjectNode> bodies, double rate, Duration duration, Sink sink) {
        long interval = (long) (1e9 / rate);
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        long end = start + duration.toNanos();
        Set<CompletableFuture<Reply>> outstanding = ConcurrentHashMap.newKeySet();
        ConcurrentHashMap<CompletableFuture<Reply>, Long> due = new ConcurrentHashMap<>();
        for (long i = 0; ; i++) {
            long dueAt = start + i * interval;
            if (dueAt >= end) {
                break;
            }
            parkUntil(dueAt);
            int at = (int) (i % bodies.size());
            CompletableFuture<Reply> f = send(kinds.get(at), bodies.get(at));
            outstanding.add(f);
            due.put(f, dueAt);
            f.whenComplete((reply, error) -> {
                long now = System.nanoTime();
                if (outstanding.remove(f)) {
                    if (error == null && reply.ok()) {
                        sink.ok(dueAt, now - dueAt);
                    } else {
                        sink.error(dueAt);
                    }
                }
            });
        }
        drain(outstanding, due, sink);
    }

    /**
     * Keeps {@code concurrency} requests outstanding for {@code warmup + measure}: the throughput is the successful
     * completions during {@code measure}, the latency that of the requests sent during it.
     */
    public Throughput closedLoop(List<RequestKind> kinds, List<ObjectNode> bodies, int concurrency, Duration warmup,
            Duration measure) throws InterruptedException {
        Semaphore permits = new Semaphore(concurrency);
        Latency latency = new Latency();
        AtomicLong completed = new AtomicLong();
        long windowStart = System.nanoTime() + warmup.toNanos();
        long windowEnd = windowStart + measure.toNanos();
        Set<CompletableFuture<Reply>> outstanding = ConcurrentHashMap.newKeySet();
        ConcurrentHashMap<CompletableFuture<Reply>, Long> due = new ConcurrentHashMap<>();
        long i = 0;
        while (System.nanoTime() < windowEnd) {
            if (!permits.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                continue; // all outstanding: look at the clock again
            }
            int at = (int) (i++ % bodies.size());
            long sent = System.nanoTime();
            CompletableFuture<Reply> f = send(kinds.get(at), bodies.get(at));
            outstanding.add(f);
            due.put(f, sent);
            f.whenComplete((reply, error) -> {
                long now = System.nanoTime();
                if (outstanding.remove(f)) {
                    boolean ok = error == null && reply.ok();
                    if (ok && now >= windowStart && now < windowEnd) {
                        completed.incrementAndGet();
                    }
                    if (sent >= windowStart && sent < windowEnd) {
                        if (ok) {
                            latency.record(now - sent);
                        } else {
                            latency.error();
                        }
                    }
                }
                permits.release();
            });
        }
        drain(outstanding, due, new Sink() {
            @Override
            public void ok(long dueNanos, long latencyNanos) {}

            @Override
            public void error(long dueNanos) {
                if (dueNanos >= windowStart && dueNanos < windowEnd) {
                    latency.error();
                }
            }
        });
        return new Throughput(completed.get(), measure.toNanos() / 1e9, latency);
    }

    /** Waits for the outstanding replies up to the reply timeout; those still missing count as errors. */
    private void drain(Set<CompletableFuture<Reply>> outstanding, ConcurrentHashMap<CompletableFuture<Reply>, Long> due,
            Sink sink) {
        long deadline = System.nanoTime() + replyTimeout.toNanos();
        // The completion handlers remove what is answered (and record it); this only waits for them.
        while (!outstanding.isEmpty() && System.nanoTime() < deadline) {
            CompletableFuture<?>[] open = outstanding.stream().filter(f -> !f.isDone())
                    .toArray(CompletableFuture[]::new);
            if (open.length == 0) {
                Thread.yield(); // answered, handlers still running
                continue;
            }
            try {
                CompletableFuture.anyOf(open).get(100, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                // none yet, or a failure the completion handler counts
            }
        }
        for (CompletableFuture<Reply> f : outstanding) {
            if (outstanding.remove(f)) {
                sink.error(due.getOrDefault(f, 0L));
            }
        }
    }

    /** Waits until {@code nanoTime} (parks; the last 50 µs spin for precision). */
    static void parkUntil(long nanoTime) {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 50_000) {
            LockSupport.parkNanos(left - 50_000);
        }
        while (System.nanoTime() < nanoTime) {
            Thread.onSpinWait();
        }
    }
}
