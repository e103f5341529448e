package dev.sextant.job.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sextant.index.PointId;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PartitionKeysTest {
    @Test
    void partitionsSpreadEvenlyOverSubtasks() {
        for (int partitions : new int[] {2, 4, 8, 12, 128, 200}) {
            PartitionKeys keys = new PartitionKeys(partitions, 128);
            for (int parallelism : new int[] {1, 2, 3, 4}) {
                if (parallelism > partitions) {
                    continue;
                }
                int total = 0;
                for (int index = 0; index < parallelism; index++) {
                    int owned = keys.ownedKeys(parallelism, index).length;
                    // even spacing over key groups: every subtask gets P/p, up to the granularity of key-group
                    // ranges (one group more or less, holding up to ⌈P/128⌉ partitions)
                    double slack = 1.0 + Math.ceil(partitions / 128.0);
                    assertTrue(Math.abs(owned - partitions / (double) parallelism) <= slack,
                            "P=" + partitions + " p=" + parallelism + " subtask " + index + " owns " + owned);
                    total += owned;
                }
                assertEquals(partitions, total);
            }
        }
    }

    @Test
    void keysAreDistinctAndStable() {
        PartitionKeys a = new PartitionKeys(16, 128);
        PartitionKeys b = new PartitionKeys(16, 128);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 16; i++) {
            assertEquals(a.key(i), b.key(i));
            assertTrue(seen.add(a.key(i)));
            assertEquals(i, a.partitionOfKey(a.key(i)));
        }
    }

    @Test
    void pointsSpreadOverPartitions() {
        PartitionKeys keys = new PartitionKeys(4, 128);
        int[] counts = new int[4];
        IntStream.range(0, 4000).forEach(i -> counts[keys.partitionOf("c", PointId.of(i))]++);
        for (int c : counts) {
            assertTrue(c > 800 && c < 1200, java.util.Arrays.toString(counts));
        }
        assertEquals(keys.partitionOf("c", PointId.of(5)), keys.partitionOf("c", PointId.of(5)));
    }
}
