package dev.sextant.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/** The options {@code up} and {@code demo} share: where data lives and how the embedded stack runs. */
final class StackOptions {

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = ".sextant",
            description = "Directory of the broker's log, the checkpoints, temporary files and logs (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--parallelism", defaultValue = "2",
            description = "Flink parallelism and MiniCluster task slots (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--topic-partitions", paramLabel = "N",
            description = "Kafka partitions of each topic created (default: the parallelism).")
    Integer topicPartitions;

    @Option(names = "--checkpoint-interval", paramLabel = "SECONDS", defaultValue = "1",
            description = "Seconds between checkpoints (default: ${DEFAULT-VALUE}).")
    double checkpointSeconds;

    @Option(names = "--conf", paramLabel = "FILE",
            description = "Properties file of job options and Flink settings, e.g. conf/sextant.properties.")
    Path confFile;

    @Option(names = "-D", paramLabel = "KEY=VALUE", mapFallbackValue = "",
            description = "A job option (sextant.*) or Flink setting; overrides --conf. Repeatable.")
    Map<String, String> settings = new LinkedHashMap<>();

    StackConfig toConfig(Path dataDir, int kafkaPort, int controllerPort) throws IOException {
        Map<String, String> all = new LinkedHashMap<>();
        if (confFile != null) {
            Properties props = new Properties();
            try (Reader in = Files.newBufferedReader(confFile)) {
                props.load(in);
            }
            props.stringPropertyNames().forEach(k -> all.put(k, props.getProperty(k).trim()));
        }
        all.putAll(settings);
        return new StackConfig(dataDir, kafkaPort, controllerPort, parallelism,
                topicPartitions != null ? topicPartitions : parallelism,
                Duration.ofMillis(Math.round(checkpointSeconds * 1000)), all, false);
    }
}
