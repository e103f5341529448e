package dev.sextant.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs a real broker in this JVM; no cluster, so a {@code *Test}, though it binds two local ports. */
class EmbeddedKafkaTest {

    private static final String TOPIC = "embedded-test";

    @TempDir
    Path dir;

    /** The build points java.io.tmpdir at target/tmp, which nothing else creates. */
    @BeforeAll
    static void createTmpDir() throws Exception {
        Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
    }

    @Test
    void producedRecordIsConsumedAndSurvivesARestartOnTheSameDirectory() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir)) {
            kafka.createTopics(2, TOPIC);
            kafka.createTopics(2, TOPIC); // idempotent
            produce(kafka.bootstrapServers(), "k1", "v1");
            assertEquals(List.of("k1=v1"), consumeAll(kafka.bootstrapServers(), 1));
        }
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir)) {
            try (Admin admin = Admin.create(adminProps(kafka.bootstrapServers()))) {
                int partitions = admin.describeTopics(List.of(TOPIC)).allTopicNames()
                        .get(30, TimeUnit.SECONDS).get(TOPIC).partitions().size();
                assertEquals(2, partitions);
            }
            produce(kafka.bootstrapServers(), "k2", "v2");
            List<String> records = consumeAll(kafka.bootstrapServers(), 2);
            records.sort(null);
            assertEquals(List.of("k1=v1", "k2=v2"), records);
        }
    }

    @Test
    void acceptsARecordLargerThanKafkasDefaultLimit() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir)) {
            kafka.createTopics(1, TOPIC);
            String big = "x".repeat(4 * 1024 * 1024);
            produce(kafka.bootstrapServers(), "big", big);
            List<String> records = consumeAll(kafka.bootstrapServers(), 1);
            assertEquals(("big=" + big).length(), records.get(0).length());
        }
    }

    @Test
    void createsTopicsWithTheirConfiguration() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir)) {
            kafka.createTopics(1, Map.of("retention.ms", "-1"), TOPIC);
            try (Admin admin = Admin.create(adminProps(kafka.bootstrapServers()))) {
                ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, TOPIC);
                Config config = admin.describeConfigs(List.of(topic)).all().get(30, TimeUnit.SECONDS).get(topic);
                assertEquals("-1", config.get("retention.ms").value());
            }
        }
    }

    @Test
    void aPortInUseIsNamedInsteadOfHaltingTheJvm() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int controllerPort = free.getLocalPort();
            free.close();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> EmbeddedKafka.start(dir, taken.getLocalPort(), controllerPort).close());
            assertEquals("Kafka client port " + taken.getLocalPort() + " on localhost is in use by another process",
                    e.getMessage().substring(0, e.getMessage().indexOf(" (")));
        }
    }

    private static Properties adminProps(String bootstrap) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return props;
    }

    private static void produce(String bootstrap, String key, String value) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, EmbeddedKafka.MAX_MESSAGE_BYTES);
        try (var producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(TOPIC, key, value)).get(30, TimeUnit.SECONDS);
        }
    }

    /** Reads the topic from the beginning until {@code expected} records arrived or 30 s passed. */
    private static List<String> consumeAll(String bootstrap, int expected) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> records = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
            while (records.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    records.add(r.key() + "=" + r.value());
                }
            }
        }
        return records;
    }
}
