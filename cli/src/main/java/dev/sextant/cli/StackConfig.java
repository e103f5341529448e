package dev.sextant.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * How {@link EmbeddedStack} runs.
 *
 * @param dataDir the directory for the broker's log ({@code kafka/}), checkpoints ({@code checkpoints/}),
 *     RocksDB's working files ({@code rocksdb/}), Flink's temporary files ({@code tmp/}) and logs ({@code logs/},
 *     written by the {@code sextant} script's logging configuration)
 * @param kafkaPort the broker's client port; 0 picks a free one
 * @param controllerPort the broker's KRaft controller port; 0 picks a free one (then kafkaPort must be 0 too)
 * @param parallelism the job's parallelism, also the number of task slots of the MiniCluster
 * @param topicPartitions Kafka partitions of each topic created (existing topics are kept as they are)
 * @param checkpointInterval time between checkpoints
 * @param settings extra settings ({@code key → value}) applied last, so they override the defaults: Flink
 *     configuration keys and Sextant job options ({@code sextant.*}, see {@code SextantOptions})
 * @param fresh start empty: delete the broker's log and the checkpoints first. Otherwise the job resumes
 *     from the latest retained checkpoint, if there is one
 */
public record StackConfig(
        Path dataDir,
        int kafkaPort,
        int controllerPort,
        int parallelism,
        int topicPartitions,
        Duration checkpointInterval,
        Map<String, String> settings,
        boolean fresh) {

    public static final int DEFAULT_KAFKA_PORT = 9092;
    public static final int DEFAULT_CONTROLLER_PORT = 9093;
    public static final int DEFAULT_PARALLELISM = 2;

    public StackConfig {
        dataDir = dataDir.toAbsolutePath().normalize();
        settings = Map.copyOf(settings);
        if ((kafkaPort == 0) != (controllerPort == 0)) {
            throw new IllegalArgumentException("Set both Kafka ports or neither");
        }
        if (parallelism < 1 || topicPartitions < 1) {
            throw new IllegalArgumentException("parallelism and topicPartitions must be >= 1");
        }
    }

    /** Free ports, parallelism 2, 2 partitions per topic, checkpoints every second: for tests. */
    public static StackConfig forTests(Path dataDir) {
        return new StackConfig(dataDir, 0, 0, DEFAULT_PARALLELISM, DEFAULT_PARALLELISM, Duration.ofSeconds(1), Map.of(),
                false);
    }

    public StackConfig withSettings(Map<String, String> extra) {
        return new StackConfig(dataDir, kafkaPort, controllerPort, parallelism, topicPartitions, checkpointInterval, extra,
                fresh);
    }

    public StackConfig withFresh(boolean fresh) {
        return new StackConfig(dataDir, kafkaPort, controllerPort, parallelism, topicPartitions, checkpointInterval,
                settings, fresh);
    }

    Path kafkaDir() {
        return dataDir.resolve("kafka");
    }

    Path checkpointDir() {
        return dataDir.resolve("checkpoints");
    }

    Path tmpDir() {
        return dataDir.resolve("tmp");
    }

    Path rocksDbDir() {
        return dataDir.resolve("rocksdb");
    }
}
