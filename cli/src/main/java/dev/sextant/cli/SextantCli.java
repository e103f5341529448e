package dev.sextant.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sextant.job.SextantOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Parameters;

/**
 * {@code ./sextant}: the embedded mode ({@code up}), the demo ({@code demo}) and a small protocol client
 * ({@code op}, {@code query}). Exit codes: 0 success, 1 a failed operation, request or start, 2 bad usage.
 */
@Command(name = "sextant", mixinStandardHelpOptions = true, version = "Sextant 0.1.0",
        description = "Real-time, Qdrant-compatible recommendation as an Apache Flink streaming job.",
        subcommands = {SextantCli.Up.class, SextantCli.DemoCommand.class, SextantCli.Op.class,
            SextantCli.Query.class, CommandLine.HelpCommand.class})
public final class SextantCli implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(SextantCli.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new SextantCli());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("sextant: " + rootMessage(e));
            return 1;
        });
        System.exit(cli.execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    private static String rootMessage(Throwable e) {
        String message = e.getMessage();
        Throwable cause = e.getCause();
        if (cause != null && cause != e && cause.getMessage() != null
                && (message == null || !message.contains(cause.getMessage()))) {
            message = (message == null ? "" : message + ": ") + cause.getMessage();
        }
        return message == null ? e.toString() : message;
    }

    static boolean terminal() {
        return Boolean.getBoolean("sextant.tty");
    }

    /**
     * Starts the stack, printing its progress lines. A failure is logged with its stack trace and rethrown
     * with only the stack's message, which already names the cause (and, for a restore, {@code --fresh}).
     */
    static EmbeddedStack startStack(StackConfig config, PrintStream out) {
        try {
            return EmbeddedStack.start(config, out::println);
        } catch (IllegalStateException e) {
            LOG.warn("The embedded stack did not start", e); // the trace goes to the log file only
            throw new IllegalStateException(e.getMessage() + " (Details: "
                    + System.getProperty("sextant.log.dir", "<data-dir>/logs") + "/sextant.log)");
        }
    }

    /** Stops the stack on Ctrl-C (SIGINT/SIGTERM) as well as on a normal exit. */
    static void closeOnShutdown(EmbeddedStack stack, PrintStream out) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("Stopping the Sextant job, the MiniCluster and the Kafka broker ...");
            stack.close();
            out.println("Stopped.");
        }, "sextant-shutdown"));
    }

    static void printStack(PrintStream out, EmbeddedStack stack, Duration startup) {
        StackConfig c = stack.config();
        out.printf("  Kafka bootstrap   %s%n", stack.bootstrapServers());
        out.printf("  topics            %s (point operations), %s (requests), %s (responses, acknowledgments),"
                + " %s (dead letters)%n", stack.pointsTopic(), stack.requestsTopic(), stack.resultsTopic(),
                stack.deadLetterTopic());
        out.printf(Locale.ROOT, "  Flink job         %s on a local MiniCluster: parallelism %d, %s index partitions,"
                        + " RocksDB state, checkpoints every %s s%n", stack.jobId(), c.parallelism(),
                stack.settings().get(SextantOptions.PARTITIONS), trim(c.checkpointInterval().toMillis() / 1000.0));
        out.printf("  Flink REST API    %s%n", stack.restAddress());
        out.printf("  jvector           %s (Java %d)%n", EmbeddedStack.vectorizationProvider(),
                Runtime.version().feature());
        out.printf("  data directory    %s%n", c.dataDir());
        out.printf("  state             %s%n", stack.stateDescription());
        out.printf(Locale.ROOT, "  started in        %.1f s (the job ran %.1f s after its submission)%n",
                startup.toMillis() / 1000.0, stack.jobStartTime().toMillis() / 1000.0);
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = {"Start a Kafka broker and the Sextant job on a local MiniCluster; run until Ctrl-C.",
                "Resumes from the latest checkpoint in <data-dir>/checkpoints, with the topics in <data-dir>/kafka,"
                    + " unless --fresh is given."})
    static final class Up implements Callable<Integer> {
        @Mixin
        StackOptions stack;

        @Option(names = "--fresh",
                description = "Start empty: delete the Kafka log (<data-dir>/kafka) and the checkpoints"
                        + " (<data-dir>/checkpoints) first.")
        boolean fresh;

        @Option(names = "--port", defaultValue = "9092", description = "Kafka client port (default: ${DEFAULT-VALUE}).")
        int port;

        @Option(names = "--controller-port", defaultValue = "9093",
                description = "Kafka KRaft controller port (default: ${DEFAULT-VALUE}).")
        int controllerPort;

        @Override
        public Integer call() throws Exception {
            PrintStream out = System.out;
            out.println("Starting Sextant (embedded mode) ...");
            long t0 = System.nanoTime();
            EmbeddedStack running = startStack(stack.toConfig(stack.dataDir, port, controllerPort).withFresh(fresh), out);
            CountDownLatch stopped = new CountDownLatch(1);
            closeOnShutdown(running, out);
            out.println("Sextant is running.");
            printStack(out, running, Duration.ofNanos(System.nanoTime() - t0));
            String bootstrap = running.bootstrapServers().equals("localhost:9092")
                    ? "" : " --bootstrap-server " + running.bootstrapServers();
            out.println();
            out.println("Try it from another terminal:");
            out.println("  ./sextant op" + bootstrap + " '{\"op\":\"create_collection\",\"collection\":\"demo\","
                    + "\"body\":{\"vectors\":{\"size\":3,\"distance\":\"Cosine\"}}}'");
            out.println("  ./sextant op" + bootstrap + " '{\"op\":\"upsert\",\"collection\":\"demo\",\"body\":{\"points\":["
                    + "{\"id\":1,\"vector\":[1,0,0],\"payload\":{\"color\":\"red\"}},"
                    + "{\"id\":2,\"vector\":[0.9,0.2,0],\"payload\":{\"color\":\"red\"}},"
                    + "{\"id\":3,\"vector\":[0,1,0],\"payload\":{\"color\":\"blue\"}}]}}'");
            out.println("  ./sextant query" + bootstrap + " --collection demo "
                    + "'{\"query\":{\"recommend\":{\"positive\":[1],\"negative\":[3]}},\"limit\":2,\"with_payload\":true}'");
            out.println("Press Ctrl-C to stop.");
            // Runs until Ctrl-C (the shutdown hook stops the stack), or until the job fails for good: then say so.
            while (true) {
                var status = running.jobStatus();
                if (status != null && status.isGloballyTerminalState()) {
                    System.err.println("sextant: the Sextant job ended with status " + status
                            + "; see the log in " + System.getProperty("sextant.log.dir", "<data-dir>/logs"));
                    return 1;
                }
                stopped.await(2, TimeUnit.SECONDS);
            }
        }
    }

    @Command(name = "demo", mixinStandardHelpOptions = true,
            description = {"Start a fresh embedded stack, load the Debian packages dataset (49,443 points) and run"
                + " example recommend, discover and context queries.",
                "Always starts empty in <data-dir>/demo (its Kafka log and checkpoints are deleted first), on free"
                    + " ports. Its state is kept: ./sextant up --data-dir <data-dir>/demo resumes it."})
    static final class DemoCommand implements Callable<Integer> {
        @Mixin
        StackOptions stack;

        @Option(names = "--port", defaultValue = "0",
                description = "Kafka client port; 0 = a free port (default). Needs --controller-port too.")
        int port;

        @Option(names = "--controller-port", defaultValue = "0", description = "Kafka controller port; 0 = free.")
        int controllerPort;

        @Option(names = "--dataset", paramLabel = "FILE", defaultValue = "data/debian-packages-minilm-q.jsonl.gz",
                description = "The dataset (default: ${DEFAULT-VALUE}).")
        Path dataset;

        @Option(names = "--batch-size", defaultValue = "256", description = "Points per upsert (default: ${DEFAULT-VALUE}).")
        int batchSize;

        @Option(names = "--max-in-flight", defaultValue = "16",
                description = "Upserts sent but not yet acknowledged, at most (default: ${DEFAULT-VALUE}).")
        int maxInFlight;

        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "180",
                description = "Longest wait for one acknowledgment or response (default: ${DEFAULT-VALUE}).")
        int timeoutSeconds;

        @Option(names = "--latency-samples", defaultValue = "100",
                description = "Sequential requests of the latency probe (default: ${DEFAULT-VALUE}).")
        int latencySamples;

        @Override
        public Integer call() throws Exception {
            PrintStream out = System.out;
            Path dir = stack.dataDir.resolve("demo").toAbsolutePath().normalize();
            var reading = Demo.readAsync(dataset);
            out.printf("Starting Sextant (embedded mode) in %s ...%n", dir);
            long t0 = System.nanoTime();
            // A demo is a measurement from empty: always fresh (the loader re-creates the collection anyway).
            EmbeddedStack running = startStack(stack.toConfig(dir, port, controllerPort).withFresh(true), out);
            closeOnShutdown(running, out);
            printStack(out, running, Duration.ofNanos(System.nanoTime() - t0));
            out.println();
            try {
                new Demo(running, new Demo.Settings(dataset, batchSize, maxInFlight,
                        Duration.ofSeconds(timeoutSeconds), latencySamples), out, terminal()).run(reading);
            } catch (SextantClientException e) {
                out.println();
                System.err.println("Demo failed: " + e.getMessage() + " (job status: " + running.jobStatus()
                        + "; logs in " + System.getProperty("sextant.log.dir", "the log directory") + ")");
                return 1;
            }
            out.println("Demo completed.");
            return 0;
        }
    }

    /** Options of the client subcommands. */
    static final class ClientOptions {
        @Option(names = "--bootstrap-server", defaultValue = "localhost:9092",
                description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
        String bootstrap;

        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
                description = "Longest wait for the reply (default: ${DEFAULT-VALUE}).")
        int timeoutSeconds;

        @Option(names = "-D", paramLabel = "KEY=VALUE",
                description = "Topic names (sextant.topic.*) and Kafka client properties (sextant.kafka.properties.*).")
        Map<String, String> settings = new LinkedHashMap<>();

        /** Waits for the reply; a missing one gets a hint about the usual cause. */
        Reply await(java.util.concurrent.CompletableFuture<Reply> reply, String what) {
            try {
                return SextantClient.await(reply, Duration.ofSeconds(timeoutSeconds), what);
            } catch (SextantClientException e) {
                throw new SextantClientException(e.getMessage() + ". Is ./sextant up (or the job) running and"
                        + " reading " + bootstrap + "? Its log is in <data-dir>/logs/sextant.log.", e.getCause());
            }
        }

        SextantClient connect() {
            Configuration c = Configuration.fromMap(settings);
            return SextantClient.connect(bootstrap, new SextantClient.Topics(c.get(SextantOptions.POINTS_TOPIC),
                    c.get(SextantOptions.REQUESTS_TOPIC), c.get(SextantOptions.RESULTS_TOPIC)),
                    SextantOptions.kafkaProperties(c));
        }
    }

    @Command(name = "op", mixinStandardHelpOptions = true,
            description = "Send a point or collection operation and wait for its acknowledgment.")
    static final class Op implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "JSON", description = "The operation, e.g. {\"op\":\"upsert\",\"collection\":\"c\",\"body\":{\"points\":[...]}}")
        String operation;

        @Override
        public Integer call() throws Exception {
            ObjectNode op = parseObject(operation);
            try (SextantClient c = client.connect()) {
                Reply reply = client.await(c.submitOp(op), "op " + op.get("op_id").asText());
                System.out.println(reply.body().toPrettyString());
                return reply.ok() ? 0 : 1;
            }
        }
    }

    @Command(name = "query", mixinStandardHelpOptions = true,
            description = "Send a request and print its response.")
    static final class Query implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Option(names = "--collection", description = "Wrap JSON, a Qdrant /points/query body, in a request to this collection.")
        String collection;

        @Option(names = "--batch", description = "With --collection: JSON is a /points/query/batch body ({\"searches\":[...]}).")
        boolean batch;

        @Parameters(paramLabel = "JSON", description = "A Qdrant query body (with --collection) or a whole request message.")
        String body;

        @Override
        public Integer call() throws Exception {
            ObjectNode json = parseObject(body);
            ObjectNode request;
            if (collection != null) {
                request = Messages.json().createObjectNode();
                request.put("op", batch ? "query_batch" : "query");
                request.put("collection", collection);
                request.set("body", json);
            } else if (json.has("op")) {
                request = json;
            } else {
                throw new CommandLine.ParameterException(new CommandLine(this),
                        "Give --collection, or a whole request message with \"op\" and \"collection\"");
            }
            try (SextantClient c = client.connect()) {
                Reply reply = client.await(c.submitRequest(request), "request " + request.get("request_id").asText());
                System.out.println(reply.body().toPrettyString());
                return reply.ok() ? 0 : 1;
            }
        }
    }

    private static ObjectNode parseObject(String text) {
        try {
            JsonNode node = Messages.json().readTree(text);
            if (node instanceof ObjectNode object) {
                return object;
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Not valid JSON: " + e.getOriginalMessage());
        }
        throw new IllegalArgumentException("Expected a JSON object, got: " + text);
    }

    static void deleteRecursively(Path dir) throws IOException {
        RetainedCheckpoints.deleteRecursively(dir);
    }
}
