package dev.sextant.job;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Entry point on a Flink cluster: {@code flink run sextant-job-shaded.jar [--conf file.properties] [--key value]...}.
 *
 * <p>Options ({@link SextantOptions}) come from the properties file first, then from {@code --key value}
 * pairs, which win. Keys that are not Sextant's (e.g. {@code execution.checkpointing.interval}) are passed to
 * the execution environment as Flink settings. The cluster's own configuration supplies state backend and
 * checkpoint storage; {@link SextantJob#configureEnvironment} fills in what it leaves unset.
 */
public final class SextantMain {
    private SextantMain() {}

    public static void main(String[] args) throws Exception {
        Configuration options = parseArgs(args);
        Configuration flinkConf = new Configuration();
        options.toMap().forEach((k, v) -> {
            if (!k.startsWith("sextant.")) {
                flinkConf.setString(k, v);
            }
        });
        SextantJob.configureEnvironment(flinkConf, null);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flinkConf);
        SextantJob.kafka(options).build(env);
        env.execute("sextant");
    }

    /**
     * Reads {@code --conf <file>} and {@code --key value} arguments into one configuration.
     *
     * @throws IllegalArgumentException for an argument that is not {@code --key value}
     */
    public static Configuration parseArgs(String[] args) throws IOException {
        Configuration conf = new Configuration();
        Configuration overrides = new Configuration();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --key value, got " + a);
            }
            String key = a.substring(2);
            String value = args[++i];
            if (key.equals("conf")) {
                Properties props = new Properties();
                try (Reader r = Files.newBufferedReader(Path.of(value))) {
                    props.load(r);
                }
                props.stringPropertyNames().forEach(k -> conf.setString(k, props.getProperty(k).trim()));
            } else {
                overrides.setString(key, value);
            }
        }
        conf.addAll(overrides);
        return conf;
    }
}
