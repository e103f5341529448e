package dev.sextant.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sextant.embedded.EmbeddedKafka;
import dev.sextant.job.HostileInputGenerator.Answer;
import dev.sextant.job.HostileInputGenerator.Applied;
import dev.sextant.job.HostileInputGenerator.DeadLetter;
import dev.sextant.job.HostileInputGenerator.ErrorResponse;
import dev.sextant.job.HostileInputGenerator.Message;
import dev.sextant.job.HostileInputGenerator.Topic;
import dev.sextant.job.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Seeded hostile traffic through the whole job (embedded broker, MiniCluster, P = 4 at parallelism 2): at least
 * 10,000 bad messages on both topics (malformed, truncated and non-UTF-8 JSON, wrong types everywhere, unknown ops and
 * fields, NaN/Infinity/1e309, empty and huge arrays, deep nesting, a 10 MB message per topic, bad ids, dimension
 * mismatches, huge limit/offset) shuffled with valid operations and requests ({@link HostileInputGenerator}).
 *
 * <p>Checked: the job is never restarted; every bad point operation is dead-lettered exactly once, with its code and
 * a reason, and acknowledged with the same error when its op_id is readable; no valid operation is dead-lettered and
 * each is acknowledged as completed; every bad request gets exactly one error response with its code; every valid
 * request gets exactly one response equal to the single-process reference ({@link ReferenceCollection}: ids in order,
 * scores within 1e-5, payloads); no bad operation changed a collection.
 *
 * <p>{@code -Dsextant.fuzz.seed=N} replays a run (the seed is printed); {@code -Dsextant.fuzz.count=N} sets the number
 * of bad messages (valid operations are a tenth of it, valid requests 15 %).
 */
class HostileInputITCase {
    static final String PREFIX = "hi";
    private static final long DEFAULT_SEED = 20_261_129L;
    private static final double SCORE_TOLERANCE = 1e-5;
    /** Sextant's message limit in this test: below the 10 MB messages, above everything else sent. */
    private static final MemorySize MAX_MESSAGE = MemorySize.parse("4m");
    /** No new output for this long means something expected will never come. */
    private static final Duration STALL = Duration.ofSeconds(60);
    private static final Duration PATIENCE = Duration.ofMinutes(10);

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @Test
    void badInputIsRejectedOneByOneAndValidTrafficIsAnsweredExactly(@InjectMiniCluster MiniCluster miniCluster)
            throws Exception {
        long seed = Long.getLong("sextant.fuzz.seed", DEFAULT_SEED);
        int bad = Integer.getInteger("sextant.fuzz.count", 10_000);
        System.out.println("HostileInputITCase: seed " + seed + " (-Dsextant.fuzz.seed=" + seed + "), " + bad + " bad messages");
        long start = System.nanoTime();

        Path dir = Files.createDirectories(Path.of("target", "it", "hostile-" + System.nanoTime())).toAbsolutePath();
        EmbeddedKafka kafka = null;
        RunningJob job = null;
        try {
            kafka = EmbeddedKafka.start(dir.resolve("kafka"));
            Configuration options = new Configuration();
            options.set(SextantOptions.MAX_MESSAGE_BYTES, MAX_MESSAGE);
            job = RunningJob.start(kafka, miniCluster, PREFIX, 4, 2, dir.resolve("checkpoints"), new Configuration(), options);
            try (KafkaProducer<String, byte[]> producer = producer(kafka)) {
                run(job, producer, new HostileInputGenerator(seed), bad, start);
            }
        } finally {
            RunningJob.stop(job, kafka);
        }
    }

    private static KafkaProducer<String, byte[]> producer(EmbeddedKafka kafka) {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        // The broker takes 16 MiB (EmbeddedKafka); so must the producer, or the 10 MB messages never reach the job.
        p.put("max.request.size", String.valueOf(EmbeddedKafka.MAX_MESSAGE_BYTES));
        p.put("buffer.memory", String.valueOf(96L << 20));
        p.put("batch.size", String.valueOf(256 << 10));
        p.put("linger.ms", "20");
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    private static void run(RunningJob job, KafkaProducer<String, byte[]> producer, HostileInputGenerator generator,
            int bad, long start) throws Exception {
        Map<String, ReferenceCollection> references = new HashMap<>();
        for (String c : List.of(HostileInputGenerator.FZ, HostileInputGenerator.NAMED, HostileInputGenerator.SCRATCH)) {
            references.put(c, new ReferenceCollection(c, HostileInputGenerator.vectorsOf(c)));
        }
        List<String> setup = generator.setupOperations();
        for (String op : setup) {
            JsonNode node = Json.readTrusted(op);
            String collection = node.get("collection").asText();
            producer.send(new ProducerRecord<>(job.points, collection, op.getBytes(StandardCharsets.UTF_8)));
            if (node.get("op").asText().equals("upsert")) {
                references.get(collection).apply(node);
            }
        }
        producer.flush();
        for (int i = 0; i < setup.size(); i++) {
            job.awaitCompleted("setup-" + i);
        }

        List<Message> traffic = generator.traffic(bad, bad / 10, bad * 3 / 20);
        List<Future<RecordMetadata>> sent = new ArrayList<>(traffic.size());
        for (Message m : traffic) {
            String topic = m.topic() == Topic.POINTS ? job.points : job.requests;
            sent.add(producer.send(new ProducerRecord<>(topic, m.key(), m.value())));
            if (m.expect() instanceof Applied a && a.collection().equals(HostileInputGenerator.SCRATCH)) {
                references.get(a.collection()).apply(a.op());
            }
        }
        producer.flush();
        long sentAt = System.nanoTime();

        // What each message must produce, by where it landed.
        Map<String, Message> badOpsByPosition = new HashMap<>();
        Map<String, Message> byReplyKey = new HashMap<>();
        Map<String, Integer> sentCounts = new TreeMap<>();
        for (int i = 0; i < traffic.size(); i++) {
            Message m = traffic.get(i);
            RecordMetadata md = sent.get(i).get(60, TimeUnit.SECONDS);
            sentCounts.merge(label(m), 1, Integer::sum);
            if (m.expect() instanceof DeadLetter) {
                badOpsByPosition.put(md.partition() + "-" + md.offset(), m);
            } else if (m.expect() instanceof Applied a) {
                byReplyKey.put(a.opId(), m);
            } else if (m.expect() instanceof ErrorResponse e) {
                byReplyKey.put(e.requestId() != null ? e.requestId() : job.requests + "-" + md.partition() + "-" + md.offset(), m);
            } else {
                byReplyKey.put(((Answer) m.expect()).requestId(), m);
            }
        }
        assertEquals(traffic.size() - badOpsByPosition.size(), byReplyKey.size(), "reply keys must be unique");

        // Everything expected has arrived: a dead letter per bad operation, a reply per key, an ack per readable op_id.
        List<String> failures = new ArrayList<>();
        try {
            awaitEverything(job, badOpsByPosition.size(), byReplyKey.keySet());
        } catch (AssertionError timedOut) {
            // go on: the checks below say what is missing
            failures.add(timedOut.getMessage());
        }
        long answeredAt = System.nanoTime();

        Map<String, Integer> deadLettered = new TreeMap<>();
        Map<String, Integer> answered = new TreeMap<>();
        checkDeadLetters(job, badOpsByPosition, failures, deadLettered);
        for (Map.Entry<String, Message> e : byReplyKey.entrySet()) {
            checkReply(job, e.getKey(), e.getValue(), references, failures, answered);
        }
        // No bad operation changed a collection (an upsert is all or nothing), and the scratch one is as applied.
        for (ReferenceCollection reference : references.values()) {
            String body = "{\"limit\":10000,\"with_payload\":true,\"with_vector\":true}";
            JsonNode all = job.query("final-" + reference.name(), reference.name(), body);
            compare(reference.answer("query", Json.readTrusted(body)), all, "final contents of " + reference.name(), failures);
        }

        System.out.printf("HostileInputITCase (seed %d): sent %d messages in %.1f s, all answered %.1f s later%n",
                Long.getLong("sextant.fuzz.seed", DEFAULT_SEED), traffic.size(), (sentAt - start) / 1e9,
                (answeredAt - sentAt) / 1e9);
        System.out.println("  sent: " + sentCounts);
        System.out.println("  dead-lettered (by code): " + deadLettered + ", total " + job.deadLetters().size());
        System.out.println("  answered (by kind and code): " + answered);
        assertTrue(failures.isEmpty(), failures.size() + " failures, the first ones:\n  "
                + String.join("\n  ", failures.subList(0, Math.min(30, failures.size()))));
        job.assertNeverRestarted();
    }

    /**
     * Waits for a dead letter per bad operation, a reply per key, and an acknowledgment per readable op_id; gives up
     * when nothing new arrived for {@link #STALL} (something expected will never come) or after {@link #PATIENCE}.
     */
    private static void awaitEverything(RunningJob job, int deadLetters, java.util.Set<String> replyKeys)
            throws InterruptedException {
        java.util.function.Supplier<Boolean> done = () -> {
            if (job.deadLetters().size() < deadLetters) {
                return null;
            }
            for (String key : replyKeys) {
                if (job.received(key).isEmpty()) {
                    return null;
                }
            }
            for (JsonNode d : job.deadLetters()) {
                if (d.hasNonNull("op_id") && job.received(d.get("op_id").asText()).isEmpty()) {
                    return null;
                }
            }
            return Boolean.TRUE;
        };
        long giveUp = System.nanoTime() + PATIENCE.toNanos();
        int outputs = -1;
        while (true) {
            try {
                job.await(done, "every dead letter, acknowledgment and response", STALL);
                return;
            } catch (AssertionError notYet) {
                int now = job.deadLetters().size() + job.receivedCount();
                if (now == outputs || System.nanoTime() > giveUp) {
                    throw new AssertionError("gave up waiting: " + job.deadLetters().size() + " of " + deadLetters
                            + " dead letters, " + job.receivedCount() + " replies (" + replyKeys.size() + " expected,"
                            + " besides the acknowledgments of bad operations)");
                }
                outputs = now;
            }
        }
    }

    private static String label(Message m) {
        if (m.expect() instanceof DeadLetter) {
            return "bad point operations";
        }
        if (m.expect() instanceof Applied) {
            return "valid point operations";
        }
        return m.expect() instanceof ErrorResponse ? "bad requests" : "valid requests";
    }

    private static void checkDeadLetters(RunningJob job, Map<String, Message> badOps, List<String> failures,
            Map<String, Integer> counts) {
        Map<String, Integer> seen = new HashMap<>();
        for (JsonNode d : job.deadLetters()) {
            String position = d.path("partition").asInt() + "-" + d.path("offset").asLong();
            Message m = badOps.get(position);
            if (m == null || !job.points.equals(d.path("topic").asText())) {
                failures.add("dead letter of no bad operation: " + abbreviate(d.toString()));
                continue;
            }
            counts.merge(String.valueOf(d.path("code").asInt()), 1, Integer::sum);
            if (seen.merge(position, 1, Integer::sum) > 1) {
                failures.add("second dead letter for " + m.category() + ": " + abbreviate(d.toString()));
            }
            DeadLetter expected = (DeadLetter) m.expect();
            if (d.path("code").asInt() != expected.code() || d.path("reason").asText().isBlank()) {
                failures.add(m.category() + ": expected a dead letter with code " + expected.code() + ", got "
                        + abbreviate(d.toString()));
            }
            if (expected.opId() != null && !expected.opId().equals(d.path("op_id").asText(null))) {
                failures.add(m.category() + ": the op_id " + expected.opId() + " was not read: " + abbreviate(d.toString()));
            }
            if (d.hasNonNull("op_id")) {
                List<RunningJob.Received> acks = job.received(d.get("op_id").asText());
                if (acks.size() != 1 || acks.get(0).value().path("code").asInt() != d.path("code").asInt()
                        || acks.get(0).value().at("/status/error").asText().isBlank()) {
                    failures.add(m.category() + ": expected one failed ack " + d.path("code") + ", got " + acks);
                }
            }
        }
        for (Map.Entry<String, Message> e : badOps.entrySet()) {
            if (!seen.containsKey(e.getKey())) {
                failures.add("no dead letter for " + e.getValue().category() + " at " + e.getKey() + ": "
                        + text(e.getValue().value()));
            }
        }
    }

    private static void checkReply(RunningJob job, String key, Message m, Map<String, ReferenceCollection> references,
            List<String> failures, Map<String, Integer> counts) {
        List<RunningJob.Received> replies = job.received(key);
        if (replies.size() != 1) {
            failures.add(m.category() + " " + key + ": expected one reply, got " + replies.size() + ": "
                    + abbreviate(replies.toString()));
            return;
        }
        JsonNode r = replies.get(0).value();
        if (m.expect() instanceof Applied a) {
            boolean completed = "completed".equals(r.path("status").asText());
            counts.merge(completed ? "acks completed" : "acks failed", 1, Integer::sum);
            if (!completed) {
                failures.add("valid operation " + a.opId() + " not completed: " + abbreviate(r.toString()) + " for "
                        + text(m.value()));
            }
        } else if (m.expect() instanceof ErrorResponse e) {
            counts.merge("errors " + r.path("code").asInt(), 1, Integer::sum);
            if (r.path("code").asInt() != e.code() || r.at("/status/error").asText().isBlank()
                    || !key.equals(r.path("request_id").asText())) {
                failures.add(m.category() + ": expected " + e.code() + ", got " + abbreviate(r.toString()) + " for "
                        + text(m.value()));
            }
        } else {
            Answer a = (Answer) m.expect();
            counts.merge(r.path("code").asInt() == 200 ? "successes" : "valid requests failed", 1, Integer::sum);
            if (r.path("code").asInt() != 200) {
                failures.add("valid request " + key + " answered " + abbreviate(r.toString()) + " for " + text(m.value()));
                return;
            }
            boolean replyTo = new String(m.value(), StandardCharsets.UTF_8).contains("\"reply_to\"");
            if (!replies.get(0).topic().equals(replyTo ? job.replies : job.results)) {
                failures.add("valid request " + key + " answered on " + replies.get(0).topic());
            }
            compare(references.get(a.collection()).answer(a.op(), a.body()), r, "request " + key + " " + a.body(), failures);
        }
    }

    private static String text(byte[] value) {
        return value == null ? "null" : abbreviate(new String(value, StandardCharsets.UTF_8));
    }

    /** The response's {@code result} against the reference's; scores and other numbers within the tolerance. */
    private static void compare(JsonNode expected, JsonNode response, String what, List<String> failures) {
        try {
            Responses.assertSameJson(expected, response.get("result"), SCORE_TOLERANCE, what);
        } catch (AssertionError e) {
            failures.add(abbreviate(e.getMessage()) + "\n    expected " + abbreviate(expected.toString()) + "\n    got      "
                    + abbreviate(response.toString()));
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 400 ? s : s.substring(0, 400) + "…";
    }
}
