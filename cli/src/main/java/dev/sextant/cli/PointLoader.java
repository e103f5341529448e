package dev.sextant.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sextant.cli.DebianPackages.Package;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Loads packages into a collection as upserts of {@code batchSize} points, each with an {@code op_id},
 * keeping at most {@code maxInFlight} upserts unacknowledged, and returns once every upsert is acknowledged.
 *
 * <p>Fails fast: the first error acknowledgment, or an upsert without acknowledgment {@code ackTimeout}
 * after it was sent, ends the load with a {@link SextantClientException}.
 */
public final class PointLoader {

    /** Called from the loading thread about every 100 ms and once at the end. */
    public interface Progress {
        void update(long sent, long acknowledged, long total, Duration elapsed);
    }

    /**
     * @param points the number of points loaded
     * @param elapsed from the first send to the last acknowledgment
     */
    public record Result(int points, Duration elapsed) {
        /** Points per second until acknowledged. */
        public double pointsPerSecond() {
            return points / Math.max(1e-9, elapsed.toNanos() / 1e9);
        }
    }

    private record InFlight(String opId, int points, CompletableFuture<Reply> ack, long deadlineNanos) {}

    private final SextantClient client;
    private final int batchSize;
    private final int maxInFlight;
    private final Duration ackTimeout;

    public PointLoader(SextantClient client, int batchSize, int maxInFlight, Duration ackTimeout) {
        if (batchSize < 1 || maxInFlight < 1) {
            throw new IllegalArgumentException("batchSize and maxInFlight must be >= 1");
        }
        this.client = client;
        this.batchSize = batchSize;
        this.maxInFlight = maxInFlight;
        this.ackTimeout = ackTimeout;
    }

    /**
     * Deletes the collection if it exists, then creates it, waiting for both acknowledgments.
     *
     * @throws SextantClientException if the create is rejected or an acknowledgment does not come in time
     */
    public void recreateCollection(String collection, int size, String distance) {
        Reply deleted = SextantClient.await(client.submitOp(Messages.deleteCollection(collection)), ackTimeout,
                "delete_collection " + collection);
        if (!deleted.ok() && deleted.code() != 404) {
            throw new SextantClientException("delete_collection " + collection + " failed with code "
                    + deleted.code() + ": " + deleted.error());
        }
        SextantClient.awaitOk(client.submitOp(Messages.createCollection(collection, size, distance)), ackTimeout,
                "create_collection " + collection);
    }

    /**
     * Upserts every package as a point and waits for all acknowledgments.
     *
     * @throws SextantClientException on the first error acknowledgment or missing acknowledgment
     */
    public Result load(String collection, List<Package> packages, Progress progress) {
        var json = Messages.json();
        ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
        long start = System.nanoTime();
        long lastReport = 0;
        int next = 0;
        long sent = 0;
        long acknowledged = 0;
        while (acknowledged < packages.size()) {
            // 1. Keep the window full.
            while (next < packages.size() && inFlight.size() < maxInFlight) {
                int end = Math.min(packages.size(), next + batchSize);
                List<ObjectNode> points = new ArrayList<>(end - next);
                for (Package p : packages.subList(next, end)) {
                    points.add(p.toPoint(json));
                }
                ObjectNode op = Messages.upsert(collection, points);
                CompletableFuture<Reply> ack = client.submitOp(op);
                inFlight.add(new InFlight(op.get("op_id").asText(), points.size(), ack,
                        System.nanoTime() + ackTimeout.toNanos()));
                sent += points.size();
                next = end;
            }
            // 2. Collect what is acknowledged, in any order; fail on an error or an expired deadline.
            long now = System.nanoTime();
            for (Iterator<InFlight> it = inFlight.iterator(); it.hasNext(); ) {
                InFlight f = it.next();
                if (f.ack().isDone()) {
                    Reply reply = SextantClient.await(f.ack(), Duration.ZERO, "upsert " + f.opId());
                    if (!reply.ok()) {
                        throw new SextantClientException("upsert " + f.opId() + " (" + f.points()
                                + " points) failed with code " + reply.code() + ": " + reply.error());
                    }
                    acknowledged += f.points();
                    it.remove();
                } else if (now > f.deadlineNanos()) {
                    throw new SextantClientException("No acknowledgment for upsert " + f.opId() + " within "
                            + ackTimeout.toSeconds() + " s (" + acknowledged + " of " + packages.size()
                            + " points acknowledged)");
                }
            }
            if (now - lastReport > TimeUnit.MILLISECONDS.toNanos(100)) {
                progress.update(sent, acknowledged, packages.size(), Duration.ofNanos(now - start));
                lastReport = now;
            }
            // 3. Wait briefly for any acknowledgment (a bounded wait on a condition, not a sleep).
            if (!inFlight.isEmpty()) {
                awaitAny(inFlight, 100);
            }
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        progress.update(sent, acknowledged, packages.size(), elapsed);
        return new Result(packages.size(), elapsed);
    }

    private static void awaitAny(ArrayDeque<InFlight> inFlight, long millis) {
        CompletableFuture<?>[] acks = inFlight.stream().map(InFlight::ack).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.anyOf(acks).get(millis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // nothing yet, or a send failure that the collection step reports
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SextantClientException("Interrupted while loading", e);
        }
    }
}
