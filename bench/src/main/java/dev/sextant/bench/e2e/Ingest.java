package dev.sextant.bench.e2e;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sextant.bench.Dataset;
import dev.sextant.cli.Messages;
import dev.sextant.cli.Reply;
import dev.sextant.cli.SextantClient;
import dev.sextant.cli.SextantClientException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Loads a {@link Dataset} into a collection the way the demo does ({@code PointLoader}): upserts of
 * {@code batchSize} points, each with an {@code op_id}, at most {@code maxInFlight} unacknowledged, until every
 * one is acknowledged. The rate is points / (last acknowledgment − first send).
 */
public final class Ingest {

    /**
     * @param points points loaded
     * @param seconds from the first send to the last acknowledgment (every point searchable)
     * @param ackLatency per upsert, from its send to its acknowledgment
     * @param linkSeconds from the last acknowledgment until the index partitions had linked every point into
     *     their graphs (they link in the background, design §6f); 0 until measured
     */
    public record Result(int points, double seconds, Latency.Summary ackLatency, double linkSeconds) {
        /** Acknowledged points per second. */
        public double pointsPerSecond() {
            return points / seconds;
        }

        /** Points per second from the first send until every point was linked into the graphs. */
        public double indexedPointsPerSecond() {
            return points / (seconds + linkSeconds);
        }

        Result withLinkSeconds(double v) {
            return new Result(points, seconds, ackLatency, v);
        }
    }

    private final SextantClient client;
    private final int batchSize;
    private final int maxInFlight;
    private final Duration ackTimeout;

    public Ingest(SextantClient client, int batchSize, int maxInFlight, Duration ackTimeout) {
        this.client = client;
        this.batchSize = batchSize;
        this.maxInFlight = maxInFlight;
        this.ackTimeout = ackTimeout;
    }

    /** Deletes the collection if it is there and creates it (Cosine, the dataset's dimension). */
    public void recreate(String collection, int dimension) {
        Reply deleted = SextantClient.await(client.submitOp(Messages.deleteCollection(collection)), ackTimeout,
                "delete_collection " + collection);
        if (!deleted.ok() && deleted.code() != 404) {
            throw new SextantClientException("delete_collection " + collection + ": " + deleted.error());
        }
        SextantClient.awaitOk(client.submitOp(Messages.createCollection(collection, dimension, "Cosine")), ackTimeout,
                "create_collection " + collection);
    }

    /** The point {@code i} of the dataset as an upsert element. */
    static ObjectNode point(long id, float[] vector, ObjectNode payload) {
        ObjectNode p = JsonNodeFactory.instance.objectNode();
        p.put("id", id);
        ArrayNode v = p.putArray("vector");
        for (float x : vector) {
            v.add(x);
        }
        if (payload != null) {
            p.set("payload", payload);
        }
        return p;
    }

    private record InFlight(String opId, int points, long sentNanos, CompletableFuture<Reply> ack) {}

    /**
     * Upserts every point of {@code data} and waits for all acknowledgments.
     *
     * @param progress receives the number of acknowledged points about once a second
     * @throws SextantClientException on an error acknowledgment or one missing after the timeout
     */
    public Result load(String collection, Dataset data, Consumer<Integer> progress) throws InterruptedException {
        Latency acks = new Latency();
        ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
        long start = System.nanoTime();
        long lastReport = start;
        int next = 0;
        int acknowledged = 0;
        while (acknowledged < data.size()) {
            while (next < data.size() && inFlight.size() < maxInFlight) {
                int end = Math.min(data.size(), next + batchSize);
                List<ObjectNode> points = new ArrayList<>(end - next);
                for (int i = next; i < end; i++) {
                    points.add(point(data.ids()[i], data.vectors()[i], data.payloads()[i]));
                }
                ObjectNode op = Messages.upsert(collection, points);
                long sent = System.nanoTime();
                CompletableFuture<Reply> ack = client.submitOp(op);
                inFlight.add(new InFlight(op.get("op_id").asText(), points.size(), sent, ack));
                next = end;
            }
            long now = System.nanoTime();
            for (Iterator<InFlight> it = inFlight.iterator(); it.hasNext(); ) {
                InFlight f = it.next();
                if (f.ack().isDone()) {
                    Reply reply = SextantClient.await(f.ack(), Duration.ZERO, "upsert " + f.opId());
                    if (!reply.ok()) {
                        throw new SextantClientException("upsert " + f.opId() + " failed with code " + reply.code()
                                + ": " + reply.error());
                    }
                    acks.record(reply.latencyNanos());
                    acknowledged += f.points();
                    it.remove();
                } else if (now - f.sentNanos() > ackTimeout.toNanos()) {
                    throw new SextantClientException("No acknowledgment for upsert " + f.opId() + " within "
                            + ackTimeout.toSeconds() + " s (" + acknowledged + " of " + data.size() + " acknowledged)");
                }
            }
            if (now - lastReport > TimeUnit.SECONDS.toNanos(1)) {
                progress.accept(acknowledged);
                lastReport = now;
            }
            if (!inFlight.isEmpty()) {
                try {
                    CompletableFuture.anyOf(inFlight.stream().map(InFlight::ack).toArray(CompletableFuture[]::new))
                            .get(100, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                    // nothing yet, or a send failure reported above
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        progress.accept(acknowledged);
        return new Result(data.size(), seconds, acks.summary(), 0);
    }
}
