package dev.sextant.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;

/**
 * A single-node Kafka 4 broker in KRaft combined mode (one process is broker and controller), running in
 * this JVM and listening on {@code localhost} only.
 *
 * <p>{@link #start(Path)} picks free ports (tests); {@link #start(Path, int, int)} uses fixed ports
 * ({@code ./sextant up}). The log directory is formatted on first use and reused afterwards, so topics,
 * records and committed offsets survive a restart on the same directory. Only one broker may use a
 * directory at a time (Kafka holds a lock file in it).
 *
 * <p>Settings that differ from Kafka's defaults, and why:
 * <ul>
 *   <li>replication factor and min ISR 1 for every internal topic ({@code __consumer_offsets},
 *       {@code __transaction_state}, {@code __share_group_state}), because there is one broker: with the
 *       defaults (3) group coordination and transactions time out;</li>
 *   <li>{@code group.initial.rebalance.delay.ms=0}: a lone consumer gets its partitions at once instead
 *       of after 3 s;</li>
 *   <li>{@code message.max.bytes} = {@link #MAX_MESSAGE_BYTES} (16 MiB of payload + 64 KiB of record-batch
 *       overhead), so an upsert of a few thousand 384-dimension points in one record fits (Kafka's default
 *       is about 1 MiB). Producers must raise {@code max.request.size} to use it;</li>
 *   <li>1 partition for {@code __consumer_offsets} and 4 for {@code __transaction_state} (defaults 50 each:
 *       slow to create and pointless on one node);</li>
 *   <li>a 16 MiB log-cleaner dedupe buffer instead of 128 MiB of heap.</li>
 * </ul>
 *
 * <p>Thread-safe: {@link #createTopics} may be called from any thread; {@link #close} is idempotent.
 */
public final class EmbeddedKafka implements AutoCloseable {

    /** Largest record batch the broker accepts, in bytes: 16 MiB of payload plus 64 KiB of batch overhead. */
    public static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024 + 64 * 1024;

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final int NODE_ID = 1;

    private final KafkaRaftServer server;
    private final Path logDir;
    private final int port;
    private final int controllerPort;
    private final SaslPlain sasl;
    private boolean closed;

    /**
     * SASL/PLAIN credentials of the one user a secured broker knows; its client listener is then
     * {@code SASL_PLAINTEXT} (for tests of the Kafka security pass-through: PLAIN sends the password in clear
     * text, so a real deployment uses {@code SASL_SSL}). {@link #toString()} hides the password.
     */
    public record SaslPlain(String username, String password) {
        public SaslPlain {
            if (username == null || username.isEmpty() || password == null || password.isEmpty()
                    || (username + password).contains("\"")) {
                throw new IllegalArgumentException("SASL/PLAIN username and password must be non-empty, without quotes");
            }
        }

        /** The {@code sasl.jaas.config} value of a client logging in as this user. */
        public String clientJaasConfig() {
            return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + username
                    + "\" password=\"" + password + "\";";
        }

        @Override
        public String toString() {
            return "SaslPlain[username=" + username + ", password=<hidden>]";
        }
    }

    private EmbeddedKafka(KafkaRaftServer server, Path logDir, int port, int controllerPort, SaslPlain sasl) {
        this.server = server;
        this.logDir = logDir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.sasl = sasl;
    }

    /**
     * Starts a broker on two free ports, formatting {@code logDir} if it is not formatted yet.
     *
     * @param logDir the broker's data directory; created if missing
     * @throws IllegalStateException if the directory cannot be formatted or the broker is not ready in 60 s
     */
    public static EmbeddedKafka start(Path logDir) {
        int[] ports = freePorts(2);
        return start(logDir, ports[0], ports[1]);
    }

    /**
     * Starts a broker with its client listener on {@code localhost:port} and its controller listener on
     * {@code localhost:controllerPort}, formatting {@code logDir} if it is not formatted yet and reusing it
     * (with its topics and records) otherwise.
     *
     * @throws IllegalStateException if the directory cannot be formatted (e.g. another broker holds it), a
     *     port is taken (the message names it), or the broker is not ready in 60 s
     */
    public static EmbeddedKafka start(Path logDir, int port, int controllerPort) {
        return start(logDir, port, controllerPort, null);
    }

    /**
     * Starts a broker on two free ports whose client listener requires SASL/PLAIN login as {@code sasl}'s user;
     * {@link #clientProperties()} gives the settings a client needs. The credentials are also written to the
     * {@code server.properties} in {@code logDir} (the format tool reads them there): use a private directory.
     *
     * @throws IllegalStateException as {@link #start(Path, int, int)}
     */
    public static EmbeddedKafka start(Path logDir, SaslPlain sasl) {
        int[] ports = freePorts(2);
        return start(logDir, ports[0], ports[1], java.util.Objects.requireNonNull(sasl, "sasl"));
    }

    private static EmbeddedKafka start(Path logDir, int port, int controllerPort, SaslPlain sasl) {
        Path dir = logDir.toAbsolutePath();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create Kafka log directory " + dir, e);
        }
        // Kafka halts the whole JVM (ProcessTerminatingFaultHandler) when its controller cannot bind: check first.
        requireFree(port, "Kafka client port");
        requireFree(controllerPort, "Kafka KRaft controller port");
        Properties props = brokerProperties(dir, port, controllerPort, sasl);
        format(dir, props);
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        EmbeddedKafka kafka = new EmbeddedKafka(server, dir, port, controllerPort, sasl);
        try {
            server.startup();
            kafka.awaitReady(READY_TIMEOUT);
        } catch (RuntimeException e) {
            kafka.close();
            throw new IllegalStateException("Kafka broker on " + dir + " (port " + port + ") did not start", e);
        }
        return kafka;
    }

    /** The client bootstrap address, {@code localhost:<port>}. */
    public String bootstrapServers() {
        return "localhost:" + port;
    }

    /**
     * The security settings a client of this broker needs besides {@code bootstrap.servers}: empty for a
     * plaintext broker; {@code security.protocol}, {@code sasl.mechanism} and {@code sasl.jaas.config} for one
     * started with {@link SaslPlain} credentials. A new copy on each call.
     */
    public Properties clientProperties() {
        Properties props = new Properties();
        if (sasl != null) {
            props.put("security.protocol", "SASL_PLAINTEXT");
            props.put("sasl.mechanism", "PLAIN");
            props.put("sasl.jaas.config", sasl.clientJaasConfig());
        }
        return props;
    }

    /** The client port (PLAINTEXT, or SASL_PLAINTEXT for a broker started with {@link SaslPlain}). */
    public int port() {
        return port;
    }

    /** The KRaft controller port. */
    public int controllerPort() {
        return controllerPort;
    }

    /** The broker's data directory. */
    public Path logDir() {
        return logDir;
    }

    /**
     * Creates the topics with {@code partitions} partitions each (replication factor 1) and waits until
     * every partition has a leader. Topics that already exist are left as they are, whatever their
     * partition count.
     *
     * @throws IllegalStateException if creation fails or the topics are not ready within 60 s
     */
    public void createTopics(int partitions, String... names) {
        createTopics(partitions, Map.of(), names);
    }

    /**
     * Creates the topics with {@code partitions} partitions each (replication factor 1) and the topic
     * {@code configs} (e.g. {@code retention.ms=-1}), and waits until every partition has a leader. Topics that
     * already exist are left as they are, whatever their partition count and configuration.
     *
     * @throws IllegalStateException if creation fails or the topics are not ready within 60 s
     */
    public void createTopics(int partitions, Map<String, String> configs, String... names) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
        }
        try (Admin admin = admin()) {
            List<NewTopic> topics = new ArrayList<>();
            for (String name : names) {
                topics.add(new NewTopic(name, partitions, (short) 1).configs(configs));
            }
            var futures = admin.createTopics(topics).values();
            for (var entry : futures.entrySet()) {
                try {
                    entry.getValue().get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("Cannot create topic " + entry.getKey(), e.getCause());
                    }
                }
            }
            awaitLeaders(admin, List.of(names), System.nanoTime() + READY_TIMEOUT.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Topic creation timed out", e);
        }
    }

    /** Stops the broker and waits for its threads to finish. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.shutdown();
        server.awaitShutdown();
    }

    private Admin admin() {
        Properties props = clientProperties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        return Admin.create(props);
    }

    /** Waits until the broker is registered, unfenced and answers metadata requests. */
    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = admin()) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    // not up yet: retry until the deadline
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Broker not ready after " + timeout);
                }
                TimeUnit.MILLISECONDS.sleep(50); // poll interval; the wait itself is bounded by the deadline
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the broker", e);
        }
    }

    private static void awaitLeaders(Admin admin, List<String> names, long deadlineNanos)
            throws InterruptedException, TimeoutException {
        while (true) {
            try {
                Map<String, TopicDescription> descriptions =
                        admin.describeTopics(names).allTopicNames().get(2, TimeUnit.SECONDS);
                boolean ready = descriptions.values().stream()
                        .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null));
                if (ready) {
                    return;
                }
            } catch (ExecutionException | TimeoutException e) {
                // metadata not propagated yet (UnknownTopicOrPartition): retry until the deadline
            }
            if (System.nanoTime() > deadlineNanos) {
                throw new TimeoutException("Topics " + names + " have no leader yet");
            }
            TimeUnit.MILLISECONDS.sleep(50); // poll interval; the wait itself is bounded by the deadline
        }
    }

    private static Properties brokerProperties(Path dir, int port, int controllerPort, SaslPlain sasl) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@localhost:" + controllerPort);
        // The controller listener stays PLAINTEXT on localhost: only clients log in.
        String listener = sasl == null ? "PLAINTEXT" : "SASL_PLAINTEXT";
        p.put("listeners", listener + "://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
        p.put("advertised.listeners", listener + "://localhost:" + port);
        p.put("listener.security.protocol.map", listener + ":" + listener + ",CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", listener);
        if (sasl != null) {
            p.put("sasl.enabled.mechanisms", "PLAIN");
            p.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
            // user_<name>="<password>" declares the accepted login; username/password are the broker's own
            p.put("listener.name.sasl_plaintext.plain.sasl.jaas.config",
                    "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + sasl.username()
                            + "\" password=\"" + sasl.password() + "\" user_" + sasl.username() + "=\""
                            + sasl.password() + "\";");
        }
        p.put("log.dirs", dir.toString());
        // One broker: every internal topic has a single replica.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("message.max.bytes", String.valueOf(MAX_MESSAGE_BYTES));
        p.put("replica.fetch.max.bytes", String.valueOf(MAX_MESSAGE_BYTES));
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(16 * 1024 * 1024));
        // A reply_to topic is created on first use.
        p.put("auto.create.topics.enable", "true");
        return p;
    }

    /** Formats {@code dir} as a KRaft log directory unless it already is one (then this is a no-op). */
    private static void format(Path dir, Properties props) {
        Path config = dir.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(config)) {
            props.store(out, "Written by EmbeddedKafka for kafka-storage format; the broker reads the same values");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + config, e);
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int code;
        try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            code = StorageTool.execute(new String[] {
                "format", "-t", clusterId(dir), "-c", config.toString(), "--ignore-formatted"
            }, print);
        } catch (RuntimeException e) {
            throw new IllegalStateException("Cannot format Kafka log directory " + dir + ": " + e.getMessage(), e);
        }
        if (code != 0) {
            throw new IllegalStateException("Cannot format Kafka log directory " + dir + " (exit code " + code + "): "
                    + output.toString(StandardCharsets.UTF_8).strip());
        }
    }

    /**
     * The cluster id of an already formatted directory (kafka-storage refuses a different one even with
     * {@code --ignore-formatted}), or a new random id.
     */
    private static String clusterId(Path dir) {
        Path meta = dir.resolve("meta.properties");
        if (Files.isRegularFile(meta)) {
            Properties props = new Properties();
            try (var in = Files.newInputStream(meta)) {
                props.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + meta, e);
            }
            String id = props.getProperty("cluster.id");
            if (id != null && !id.isBlank()) {
                return id;
            }
        }
        return Uuid.randomUuid().toString();
    }

    /** Fails with a message naming the port when {@code localhost:port} cannot be bound (another process has it). */
    private static void requireFree(int port, String what) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
        } catch (IOException e) {
            throw new IllegalStateException(what + " " + port + " on localhost is in use by another process ("
                    + e.getMessage() + ")", e);
        }
    }

    /** Ports that were free a moment ago; another process could still take one before the broker binds it. */
    private static int[] freePorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                socket.setReuseAddress(true);
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("No free port", e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing a probe socket cannot fail in a way that matters
                }
            }
        }
    }

    @Override
    public String toString() {
        return "EmbeddedKafka[" + bootstrapServers() + ", " + logDir + "]";
    }
}
