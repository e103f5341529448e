package dev.sextant.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A Kafka client of Sextant's protocol v1 (see {@code docs/protocol.md}): it produces point operations and
 * requests, and matches the acknowledgments and responses on the result topic to them by {@code op_id} /
 * {@code request_id}.
 *
 * <p>Keys: a point operation is keyed by its collection name, so all operations on one collection (and
 * so on one point) stay in one Kafka partition, in the order they were sent; a request is keyed by its
 * request id.
 *
 * <p>The result topic is read from its end as it was when the client connected, by one consumer thread
 * without a consumer group; replies to other clients are ignored. Every submit returns a future that
 * completes with the {@link Reply}; waiting on it is bounded by the caller ({@link #await}).
 *
 * <p>Replies are delivered at least once by Sextant (after a failover a reply can come twice); the client
 * de-duplicates by id: the first reply completes the future, later ones are dropped ({@link #duplicateReplies}).
 * So an {@code op_id} or {@code request_id} must be unique: the client refuses one it has answered among its
 * last 100,000 replies.
 *
 * <p>Thread-safe: submit from any thread. Futures complete on the client's consumer thread, so callbacks
 * attached to them must be short.
 */
public final class SextantClient implements AutoCloseable {

    /** Largest message produced, in bytes: the broker's and the job's default limit (16 MiB). */
    public static final int MAX_REQUEST_BYTES = 16 * 1024 * 1024;

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

    /** The topics the client talks to. */
    public record Topics(String points, String requests, String results) {
        public static Topics defaults() {
            return new Topics("sextant.points", "sextant.requests", "sextant.results");
        }
    }

    private final ObjectMapper json = new ObjectMapper();
    private final Topics topics;
    private final KafkaProducer<String, String> producer;
    private final KafkaConsumer<String, String> consumer;
    private final Thread poller;
    private final ReplyMatcher replies = new ReplyMatcher(ReplyMatcher.DEFAULT_REMEMBERED);
    private final String idPrefix = "cli-" + UUID.randomUUID().toString().substring(0, 8);
    private final AtomicLong sequence = new AtomicLong();
    private volatile boolean running = true;

    private SextantClient(String bootstrapServers, Topics topics, Properties kafkaProperties) {
        this.topics = topics;
        Properties producerProps = new Properties();
        producerProps.putAll(kafkaProperties);
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 0); // a request is sent at once; upserts are one large record each anyway
        producerProps.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        producerProps.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_REQUEST_BYTES);
        producerProps.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, CONNECT_TIMEOUT.toMillis());
        this.producer = new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer());

        Properties consumerProps = new Properties();
        consumerProps.putAll(kafkaProperties);
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        consumerProps.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        consumerProps.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer());
        try {
            positionAtEnd();
        } catch (RuntimeException e) {
            consumer.close();
            producer.close(Duration.ZERO);
            throw new SextantClientException("Cannot read result topic " + topics.results() + " on "
                    + bootstrapServers + ": " + e.getMessage(), e);
        }
        this.poller = new Thread(this::pollReplies, "sextant-client-replies");
        this.poller.setDaemon(true);
        this.poller.start();
    }

    /**
     * Connects to {@code bootstrapServers}; the result topic must exist.
     *
     * @param kafkaProperties extra Kafka client settings (SASL, SSL, ...), may be empty
     * @throws SextantClientException if the result topic cannot be read within 30 s
     */
    public static SextantClient connect(String bootstrapServers, Topics topics, Properties kafkaProperties) {
        return new SextantClient(bootstrapServers, topics, kafkaProperties);
    }

    /** The topics this client uses. */
    public Topics topics() {
        return topics;
    }

    /**
     * Sends a point or collection operation to the point topic, keyed by its {@code collection}. Adds an
     * {@code op_id} when the operation has none (the given node is modified).
     *
     * @return completes with the acknowledgment (which may be an error: check {@link Reply#ok()})
     * @throws IllegalArgumentException if the operation has no {@code collection}
     */
    public CompletableFuture<Reply> submitOp(ObjectNode op) {
        JsonNode collection = op.get("collection");
        if (collection == null || !collection.isTextual()) {
            throw new IllegalArgumentException("A point operation needs a \"collection\": " + abbreviate(op));
        }
        String opId = op.hasNonNull("op_id") ? op.get("op_id").asText() : newId("op");
        op.put("op_id", opId);
        return send(topics.points(), collection.asText(), opId, op);
    }

    /**
     * Sends a request ({@code query} or {@code query_batch}) to the request topic, keyed by its request id.
     * Adds a {@code request_id} when it has none (the given node is modified). A {@code reply_to} other than
     * this client's result topic is not supported: the reply would never be read.
     *
     * @return completes with the response (which may be an error: check {@link Reply#ok()})
     */
    public CompletableFuture<Reply> submitRequest(ObjectNode request) {
        String requestId = request.hasNonNull("request_id") ? request.get("request_id").asText() : newId("r");
        request.put("request_id", requestId);
        return send(topics.requests(), requestId, requestId, request);
    }

    /** Sends a request and waits for a successful response. */
    public Reply call(ObjectNode request, Duration timeout) {
        return awaitOk(submitRequest(request), timeout, "request " + request.get("request_id").asText());
    }

    /**
     * Waits up to {@code timeout} for a reply.
     *
     * @param what names the operation in error messages, e.g. "request r7"
     * @throws SextantClientException when no reply arrives in time or sending failed
     */
    public static Reply await(CompletableFuture<Reply> reply, Duration timeout, String what) {
        try {
            return reply.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new SextantClientException("No reply to " + what + " within " + timeout.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw new SextantClientException("Cannot send " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SextantClientException("Interrupted while waiting for " + what, e);
        }
    }

    /** Like {@link #await}, and also fails when the reply is an error. */
    public static Reply awaitOk(CompletableFuture<Reply> reply, Duration timeout, String what) {
        Reply r = await(reply, timeout, what);
        if (!r.ok()) {
            throw new SextantClientException(what + " failed with code " + r.code() + ": " + r.error());
        }
        return r;
    }

    /** Messages still waiting for a reply. */
    public int pendingCount() {
        return replies.pendingCount();
    }

    /** Duplicate replies (a second reply for an id already answered, after a failover of the job) dropped so far. */
    public long duplicateReplies() {
        return replies.duplicates();
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            poller.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(10));
        replies.failAll(new SextantClientException("Client closed"));
    }

    private CompletableFuture<Reply> send(String topic, String key, String id, ObjectNode message) {
        String value;
        try {
            value = json.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Not serializable: " + e.getMessage(), e);
        }
        CompletableFuture<Reply> future = replies.expect(id, System.nanoTime());
        try {
            producer.send(new ProducerRecord<>(topic, key, value), (metadata, error) -> {
                if (error != null) {
                    replies.failed(id, error);
                }
            });
        } catch (RuntimeException e) {
            replies.failed(id, e);
        }
        return future;
    }

    private String newId(String kind) {
        return idPrefix + "-" + kind + "-" + sequence.incrementAndGet();
    }

    /** Assigns every partition of the result topic and fixes the positions before anything is sent. */
    private void positionAtEnd() {
        List<PartitionInfo> infos = consumer.partitionsFor(topics.results(), CONNECT_TIMEOUT);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topics.results() + " does not exist");
        }
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : infos) {
            partitions.add(new TopicPartition(info.topic(), info.partition()));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        for (TopicPartition tp : partitions) {
            consumer.position(tp, CONNECT_TIMEOUT); // resolves the lazy seek now, not at the first poll
        }
    }

    private void pollReplies() {
        try {
            while (running) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    replies.dispatch(record.value(), System.nanoTime());
                }
            }
        } catch (WakeupException e) {
            // close() was called
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    static String abbreviate(JsonNode node) {
        String s = node.toString();
        return s.length() <= 200 ? s : s.substring(0, 197) + "...";
    }
}
