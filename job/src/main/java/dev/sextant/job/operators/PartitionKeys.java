package dev.sextant.job.operators;

import dev.sextant.index.PointId;
import java.io.Serializable;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.util.MathUtils;

/**
 * Which index partition a point lives in, and the Flink key each partition is stored under (design §2).
 *
 * <p>A point lives in partition {@code floorMod(murmur(hash(collection \0 id)), P)}. Partition {@code i}'s key
 * is not {@code i} itself but the smallest integer whose key group is {@code floor(i · maxParallelism / P)}:
 * the P keys then sit in evenly spaced key groups, so P = 4 at parallelism 2 gives 2 + 2 partitions per
 * subtask, not whatever the hash of 0..3 happens to give. Immutable; the same P and max parallelism give the
 * same keys on every machine.
 */
public final class PartitionKeys implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int partitions;
    private final int maxParallelism;
    private final int[] keys;

    public PartitionKeys(int partitions, int maxParallelism) {
        if (partitions < 1) {
            throw new IllegalArgumentException("the number of partitions must be ≥ 1, got " + partitions);
        }
        this.partitions = partitions;
        this.maxParallelism = maxParallelism;
        this.keys = spreadKeys(partitions, maxParallelism);
    }

    private static int[] spreadKeys(int partitions, int maxParallelism) {
        int[] keys = new int[partitions];
        Set<Integer> used = new HashSet<>();
        for (int i = 0; i < partitions; i++) {
            int group = (int) ((long) i * maxParallelism / partitions);
            int k = 0;
            while (used.contains(k) || KeyGroupRangeAssignment.assignToKeyGroup(k, maxParallelism) != group) {
                k++;
            }
            used.add(k);
            keys[i] = k;
        }
        return keys;
    }

    public int partitions() {
        return partitions;
    }

    public int maxParallelism() {
        return maxParallelism;
    }

    /** The partition of a point. */
    public int partitionOf(String collection, PointId id) {
        return Math.floorMod(MathUtils.murmurHash((collection + '\0' + id).hashCode()), partitions);
    }

    /** The Flink key of partition {@code partition}. */
    public int key(int partition) {
        return keys[partition];
    }

    /** The partitions' keys that subtask {@code index} of {@code parallelism} owns, in partition order. */
    public int[] ownedKeys(int parallelism, int index) {
        return Arrays.stream(keys)
                .filter(k -> KeyGroupRangeAssignment.assignKeyToParallelOperator(k, maxParallelism, parallelism) == index)
                .toArray();
    }

    /** The partition whose key is {@code key}, or -1. */
    public int partitionOfKey(int key) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] == key) {
                return i;
            }
        }
        return -1;
    }
}
