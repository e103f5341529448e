package dev.sextant.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Matches the messages of the result topic to the operations and requests a client sent, by id ({@code op_id} /
 * {@code request_id}), and delivers each id at most once.
 *
 * <p>Sextant delivers replies at least once ({@code docs/protocol.md} §8): after a failover the job replays what
 * it read since its last checkpoint, so a response or an acknowledgment can arrive a second time under the same
 * id. The first reply for an id completes its future; every later message with that id is a duplicate, dropped
 * and counted. The ids of the last {@code remembered} delivered replies are kept (about 100 bytes each), and a new
 * message may not reuse one of them: its reply could not be told from a late duplicate of the earlier one.
 * Messages for ids this client never sent (other clients' replies, or acknowledgments replayed by a job started
 * without state) are ignored.
 *
 * <p>Thread-safe: {@link #expect} from any thread; {@link #dispatch} from one consumer thread.
 */
final class ReplyMatcher {
    /** How many delivered ids a client remembers by default: far more than a replay after a failover covers. */
    static final int DEFAULT_REMEMBERED = 100_000;

    private record Pending(CompletableFuture<Reply> future, long sentNanos) {}

    private final ObjectMapper json = new ObjectMapper();
    private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();
    /** Delivered ids, oldest first, at most {@code remembered}; guarded by itself. */
    private final Map<String, Boolean> delivered;
    private final AtomicLong duplicates = new AtomicLong();

    /** @param remembered how many delivered ids to keep (≥ 1) */
    ReplyMatcher(int remembered) {
        if (remembered < 1) {
            throw new IllegalArgumentException("remembered must be >= 1, got " + remembered);
        }
        delivered = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > remembered;
            }
        };
    }

    /**
     * Registers {@code id} before its message is sent.
     *
     * @param sentNanos {@link System#nanoTime()} at sending, for the reply's latency
     * @return completes with the first reply for {@code id}
     * @throws IllegalArgumentException if {@code id} is waiting for a reply, or was answered recently (ids must be
     *     unique per client)
     */
    CompletableFuture<Reply> expect(String id, long sentNanos) {
        synchronized (delivered) {
            if (delivered.containsKey(id)) {
                throw new IllegalArgumentException("Id " + id + " was already answered; ids must be unique, or a"
                        + " late duplicate of that answer would be taken for the new one");
            }
            CompletableFuture<Reply> future = new CompletableFuture<>();
            if (pending.putIfAbsent(id, new Pending(future, sentNanos)) != null) {
                throw new IllegalArgumentException("Id " + id + " is already waiting for a reply");
            }
            return future;
        }
    }

    /** Sending {@code id} failed: its future completes with {@code error} and the id may be used again. */
    void failed(String id, Throwable error) {
        Pending p = pending.remove(id);
        if (p != null) {
            p.future().completeExceptionally(error);
        }
    }

    /**
     * Handles one message of the result topic.
     *
     * @param value the message as read (anything: other producers may write to the topic)
     * @param nowNanos {@link System#nanoTime()} when it was read
     * @return true when it completed a future; false for a duplicate, a stranger's message or one that is not a
     *     JSON object with an id
     */
    boolean dispatch(String value, long nowNanos) {
        JsonNode body = parse(value);
        String id = idOf(body);
        if (id == null) {
            return false;
        }
        Pending p;
        synchronized (delivered) {
            if (delivered.containsKey(id)) {
                duplicates.incrementAndGet();
                return false;
            }
            p = pending.remove(id);
            if (p == null) {
                return false;
            }
            delivered.put(id, Boolean.TRUE);
        }
        p.future().complete(new Reply(id, body, nowNanos - p.sentNanos()));
        return true;
    }

    /** Duplicate replies dropped so far. */
    long duplicates() {
        return duplicates.get();
    }

    /** Messages still waiting for a reply. */
    int pendingCount() {
        return pending.size();
    }

    /** Completes every waiting future with {@code error} (the client is closing). */
    void failAll(Throwable error) {
        for (String id : pending.keySet()) {
            failed(id, error);
        }
    }

    private static String idOf(JsonNode body) {
        if (body == null || !body.isObject()) {
            return null;
        }
        JsonNode id = body.hasNonNull("request_id") ? body.get("request_id") : body.get("op_id");
        return id == null || id.isNull() ? null : id.asText();
    }

    private JsonNode parse(String value) {
        try {
            return value == null ? null : json.readTree(value);
        } catch (JsonProcessingException e) {
            return null; // not ours to judge: the result topic may carry other producers' messages
        }
    }
}
