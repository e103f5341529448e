package dev.sextant.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/** The graph and the environment settings, without running anything. */
class SextantJobTest {
    @Test
    void theGraphNeedsNoKryoAndEveryStatefulOperatorHasAUid() {
        Configuration conf = SextantJob.configureEnvironment(new Configuration(), Path.of("/tmp/cp"));
        assertFalse(conf.get(PipelineOptions.GENERIC_TYPES));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        Configuration options = new Configuration();
        options.set(SextantOptions.BOOTSTRAP_SERVERS, "localhost:1");
        SextantJob.kafka(options).build(env);
        // Building the stream graph creates every serializer: a type falling back to Kryo fails here.
        StreamGraph graph = env.getStreamGraph();
        Set<String> uids = new HashSet<>();
        for (StreamNode node : graph.getStreamNodes()) {
            if (node.getTransformationUID() != null) {
                uids.add(node.getTransformationUID());
            }
        }
        for (String uid : new String[] {"points-source", "requests-source", "point-op-router", "collection-catalog",
                "request-planner", "point-store", "request-resolver", "index-partition",
                "merge-top-k", "ack-collector"}) {
            assertTrue(uids.contains(uid), uid + " in " + uids);
        }
        assertEquals(SextantJob.MAX_PARALLELISM, env.getMaxParallelism());
    }

    @Test
    void environmentDefaultsDoNotOverrideExplicitSettings() {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, "hashmap");
        SextantJob.configureEnvironment(conf, Path.of("/tmp/cp"));
        assertEquals("hashmap", conf.get(StateBackendOptions.STATE_BACKEND));
        assertEquals("file:///tmp/cp", conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY).replaceAll("/$", ""));
        assertEquals("fixed-delay", conf.toMap().get("restart-strategy.type"));
    }

    @Test
    void exactlyOnceIsRefusedWithTheReason() {
        Configuration options = new Configuration();
        options.set(SextantOptions.BOOTSTRAP_SERVERS, "localhost:1");
        options.set(SextantOptions.DELIVERY_GUARANTEE, "exactly-once");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SextantJob.kafka(options));
        assertTrue(e.getMessage().contains("kafka-clients 4.4"), e.getMessage());
    }

    @Test
    void mainArgumentsAndPropertiesFile() throws Exception {
        Path file = java.nio.file.Files.createTempFile(Path.of("target"), "sextant", ".properties");
        java.nio.file.Files.writeString(file, "sextant.partitions = 8\nsextant.topic.points=p1\n");
        Configuration c = SextantMain.parseArgs(new String[] {"--conf", file.toString(), "--sextant.topic.points", "p2",
                "--sextant.kafka.properties.security.protocol", "SASL_SSL"});
        assertEquals(8, c.get(SextantOptions.PARTITIONS));
        assertEquals("p2", c.get(SextantOptions.POINTS_TOPIC));
        assertEquals("SASL_SSL", SextantOptions.kafkaProperties(c).getProperty("security.protocol"));
        assertThrows(IllegalArgumentException.class, () -> SextantMain.parseArgs(new String[] {"stray"}));
    }

    private static void assertTrue(boolean b, String message) {
        org.junit.jupiter.api.Assertions.assertTrue(b, message);
    }
}
