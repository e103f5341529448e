package dev.sextant.bench;

import dev.sextant.index.graph.Vectorization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a measurement ran on: the JVM, the vectorization providers of jvector and Lucene (SIMD or scalar), the CPU
 * and the load average, which on a shared machine says how much the figures can be trusted.
 *
 * @param javaVersion {@code java.runtime.version}
 * @param javaVendor {@code java.vendor}
 * @param javaFeature the feature release (17, 25, …)
 * @param jvmArguments the JVM's input arguments (flags such as {@code --add-modules jdk.incubator.vector})
 * @param jvectorProvider jvector's provider, e.g. {@code PanamaVectorizationProvider}
 * @param luceneProvider Lucene's provider, e.g. {@code DefaultVectorizationProvider}
 * @param processors available processors
 * @param cpuModel the first {@code model name} of /proc/cpuinfo, or "unknown"
 * @param maxHeapMb the maximum heap, MiB
 */
public record Machine(String javaVersion, String javaVendor, int javaFeature, List<String> jvmArguments,
        String jvectorProvider, String luceneProvider, int processors, String cpuModel, long maxHeapMb) {

    /** The current JVM and machine. */
    public static Machine current() {
        return new Machine(System.getProperty("java.runtime.version"), System.getProperty("java.vendor"),
                Runtime.version().feature(), java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments(),
                Vectorization.providerName(), LuceneHnsw.vectorizationProvider(),
                Runtime.getRuntime().availableProcessors(), readCpuModel(), Runtime.getRuntime().maxMemory() >> 20);
    }

    /** The 1-minute load average (from /proc/loadavg), or −1 when unknown. */
    public static double loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return Double.parseDouble(parts[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static String readCpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        return "unknown";
    }
}
