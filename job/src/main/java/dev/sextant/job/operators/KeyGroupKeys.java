package dev.sextant.job.operators;

import java.io.Serializable;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;

/**
 * One string key per key group of a keyed operator, to reach every subtask of it through its keyed input.
 *
 * <p>A message sent once under each of these keys reaches every subtask, at any parallelism, and travels on
 * the same channels as the sender's other keyed messages, so it stays in order with them; a broadcast input
 * is a separate channel and gives no order against the keyed one. A receiving subtask gets one copy per key
 * group it owns and acts on the copy of its {@link #firstKeyGroup first} key group only.
 *
 * <p>The keys start with a NUL, so none equals a point's store key ({@code collection \0 id}: collection names
 * are not empty and contain no control characters). Immutable; the same max parallelism gives the same keys.
 */
public final class KeyGroupKeys implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int maxParallelism;
    private final String[] keys;

    public KeyGroupKeys(int maxParallelism) {
        this.maxParallelism = maxParallelism;
        this.keys = new String[maxParallelism];
        int missing = maxParallelism;
        for (int i = 0; missing > 0; i++) {
            String key = "\0" + i;
            int group = KeyGroupRangeAssignment.assignToKeyGroup(key, maxParallelism);
            if (keys[group] == null) {
                keys[group] = key;
                missing--;
            }
        }
    }

    /** The number of key groups (the max parallelism). */
    public int keyGroups() {
        return maxParallelism;
    }

    /** The key of key group {@code keyGroup}. */
    public String key(int keyGroup) {
        return keys[keyGroup];
    }

    /** The key group whose copy subtask {@code subtask} of {@code parallelism} acts on: its first one. */
    public int firstKeyGroup(int parallelism, int subtask) {
        return KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(maxParallelism, parallelism, subtask)
                .getStartKeyGroup();
    }
}
