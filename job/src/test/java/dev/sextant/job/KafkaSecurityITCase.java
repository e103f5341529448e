package dev.sextant.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sextant.embedded.EmbeddedKafka;
import dev.sextant.job.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Kafka client security passes through {@code sextant.kafka.properties.*} (README "Kafka security"): the job
 * runs against a broker that only accepts SASL logins, and its password appears in no log line, at INFO level
 * (where Kafka's clients print their whole configuration, masking password-type values).
 *
 * <p>The broker speaks SASL/PLAIN without TLS, which is enough to prove the settings reach every client of the
 * job (both sources and the sink); TLS settings travel the same way.
 */
class KafkaSecurityITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    private static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void jobRunsOnASaslBrokerAndNeverLogsThePassword(@InjectMiniCluster MiniCluster miniCluster) throws Exception {
        String password = "pw-" + UUID.randomUUID();
        EmbeddedKafka.SaslPlain user = new EmbeddedKafka.SaslPlain("sextant", password);
        Path dir = Files.createDirectories(Path.of("target", "it", "security-" + System.nanoTime())).toAbsolutePath();
        try (LogCapture logs = LogCapture.atInfo();
                EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), user)) {
            kafka.createTopics(2, "sec.points", "sec.requests", "sec.results", "sec.dead-letter");

            Configuration options = new Configuration();
            options.set(SextantOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
            options.set(SextantOptions.POINTS_TOPIC, "sec.points");
            options.set(SextantOptions.REQUESTS_TOPIC, "sec.requests");
            options.set(SextantOptions.RESULTS_TOPIC, "sec.results");
            options.set(SextantOptions.DEAD_LETTER_TOPIC, "sec.dead-letter");
            options.set(SextantOptions.GROUP_ID, "sec");
            options.set(SextantOptions.PARTITIONS, 2);
            options.set(SextantOptions.REQUESTS_STARTING_OFFSET, "earliest");
            // The job's configuration names the secret, it does not hold it: Kafka's FileConfigProvider reads the
            // JAAS line from a file only the job's user can read (README "Kafka security").
            Path secrets = dir.resolve("kafka-secrets.properties");
            Properties secretFile = new Properties();
            secretFile.put("sasl.jaas.config", user.clientJaasConfig());
            try (var out = Files.newOutputStream(secrets)) {
                secretFile.store(out, null);
            }
            String prefix = SextantOptions.KAFKA_PROPERTIES_PREFIX;
            options.setString(prefix + "security.protocol", "SASL_PLAINTEXT");
            options.setString(prefix + "sasl.mechanism", "PLAIN");
            options.setString(prefix + "config.providers", "file");
            options.setString(prefix + "config.providers.file.class",
                    "org.apache.kafka.common.config.provider.FileConfigProvider");
            options.setString(prefix + "sasl.jaas.config", "${file:" + secrets + ":sasl.jaas.config}");
            JobClient job = submit(miniCluster, options, dir.resolve("checkpoints"));
            try {
                Properties client = kafka.clientProperties();
                client.put("bootstrap.servers", kafka.bootstrapServers());
                try (KafkaProducer<String, String> producer =
                                new KafkaProducer<>(client, new StringSerializer(), new StringSerializer());
                        KafkaConsumer<String, String> consumer = consumer(client)) {
                    producer.send(new ProducerRecord<>("sec.points", "shop", """
                            {"op":"create_collection","collection":"shop","body":{"vectors":{"size":2,"distance":"Dot"}}}"""));
                    producer.send(new ProducerRecord<>("sec.points", "shop", """
                            {"op":"upsert","collection":"shop","op_id":"up-1","body":{"points":[
                              {"id":1,"vector":[1.0,0.0]},{"id":2,"vector":[0.5,0.5]},{"id":3,"vector":[0.0,1.0]}]}}"""));
                    producer.flush();
                    assertEquals("completed", awaitKey(consumer, "up-1").path("status").asText());

                    producer.send(new ProducerRecord<>("sec.requests", null, """
                            {"request_id":"q-1","op":"query","collection":"shop","body":{"query":[2.0,1.0],"limit":2}}"""));
                    producer.flush();
                    JsonNode response = awaitKey(consumer, "q-1");
                    assertEquals("ok", response.path("status").asText(), response.toString());
                    JsonNode result = response.path("result").path("points");
                    assertEquals(2, result.size(), response.toString());
                    assertEquals(1, result.get(0).path("id").asInt());
                    assertEquals(2.0, result.get(0).path("score").asDouble(), 1e-6);
                    assertEquals(2, result.get(1).path("id").asInt());
                    assertEquals(1.5, result.get(1).path("score").asDouble(), 1e-6);
                }

                // The broker really checks: a wrong password is refused.
                Properties wrong = kafka.clientProperties();
                wrong.put("sasl.jaas.config", new EmbeddedKafka.SaslPlain(user.username(), "not-" + password)
                        .clientJaasConfig());
                wrong.put("bootstrap.servers", kafka.bootstrapServers());
                try (Admin admin = Admin.create(wrong)) {
                    ExecutionException e = assertThrows(ExecutionException.class,
                            () -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS));
                    assertInstanceOf(SaslAuthenticationException.class, e.getCause());
                }
            } finally {
                job.cancel().get(60, TimeUnit.SECONDS);
            }

            List<String> lines = logs.lines();
            assertTrue(lines.stream().anyMatch(l -> l.contains("sasl.jaas.config = [hidden]")),
                    "Kafka clients log their configuration at INFO, with the JAAS config masked");
            assertFalse(lines.stream().anyMatch(l -> l.contains(password)), "the password is in a log line");
        }
    }

    /** Submits the job to the test's MiniCluster at parallelism 2. */
    private static JobClient submit(MiniCluster miniCluster, Configuration options, Path checkpoints) throws Exception {
        Configuration flinkConf = new Configuration();
        flinkConf.setString("execution.checkpointing.interval", "1 s");
        flinkConf.set(CoreOptions.DEFAULT_PARALLELISM, 2);
        SextantJob.configureEnvironment(flinkConf, checkpoints);
        StreamExecutionEnvironment env = new TestStreamEnvironment(miniCluster, flinkConf, 2, List.of(), List.of());
        SextantJob.kafka(options).build(env);
        return env.executeAsync("sextant-security");
    }

    private static KafkaConsumer<String, String> consumer(Properties client) {
        Properties c = new Properties();
        c.putAll(client);
        c.put("group.id", "sec-test-reader");
        c.put("auto.offset.reset", "earliest");
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of("sec.results"));
        return consumer;
    }

    /** Polls the results topic until a message with {@code key} arrives (deadline {@link #WAIT}). */
    private static JsonNode awaitKey(KafkaConsumer<String, String> consumer, String key) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                if (key.equals(r.key())) {
                    return Json.MAPPER.readTree(r.value());
                }
            }
        }
        throw new AssertionError("no message with key " + key + " within " + WAIT);
    }

    /** Collects every log event of this JVM at INFO and above while open (the test config logs WARN only). */
    private static final class LogCapture extends AbstractAppender implements AutoCloseable {
        private final List<String> lines = new ArrayList<>();
        private final LoggerContext context;
        private final Level previous;
        private final java.util.Map<String, org.apache.logging.log4j.core.Appender> quieted = new java.util.HashMap<>();

        private LogCapture(LoggerContext context) {
            super("capture-" + UUID.randomUUID(), null, null, true, Property.EMPTY_ARRAY);
            this.context = context;
            this.previous = context.getConfiguration().getRootLogger().getLevel();
        }

        static LogCapture atInfo() {
            LoggerContext context = (LoggerContext) LogManager.getContext(false);
            LogCapture capture = new LogCapture(context);
            capture.start();
            LoggerConfig root = context.getConfiguration().getRootLogger();
            // the console keeps showing warnings only
            capture.quieted.putAll(root.getAppenders());
            capture.quieted.forEach((name, appender) -> {
                root.removeAppender(name);
                root.addAppender(appender, Level.WARN, null);
            });
            root.addAppender(capture, Level.INFO, null);
            root.setLevel(Level.INFO);
            context.updateLoggers();
            return capture;
        }

        @Override
        public void append(LogEvent event) {
            String line = event.getMessage().getFormattedMessage();
            if (event.getThrown() != null) {
                line += " " + event.getThrown();
            }
            synchronized (lines) {
                lines.add(line);
            }
        }

        List<String> lines() {
            synchronized (lines) {
                return List.copyOf(lines);
            }
        }

        @Override
        public void close() {
            LoggerConfig root = context.getConfiguration().getRootLogger();
            root.removeAppender(getName());
            quieted.forEach((name, appender) -> {
                root.removeAppender(name);
                root.addAppender(appender, null, null);
            });
            root.setLevel(previous);
            context.updateLoggers();
            stop();
        }
    }
}
