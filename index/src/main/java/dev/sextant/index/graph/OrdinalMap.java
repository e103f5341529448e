package dev.sextant.index.graph;

import dev.sextant.index.PointId;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * The two-way map between point ids and the dense int ordinals jvector's graph is built over, with the
 * life cycle of each ordinal: <b>free</b> → <b>live</b> (holds a point's current vector) → <b>tombstone</b>
 * (the point was replaced or deleted, the graph still routes through the node) → <b>free</b> again once the
 * graph has been repaired.
 *
 * <p>An ordinal is never handed out again while it is a tombstone: jvector refuses (or corrupts the graph)
 * when a node id that is still in the graph is added again, so tombstones become reusable only through
 * {@link #releaseTombstones()}, which the owner calls after {@code GraphIndexBuilder.removeDeletedNodes()}.
 * Without a graph (exact-scan mode) the owner frees an ordinal at once with {@link #free}.
 *
 * <p>Freed ordinals are reused last-in first-out, so the ordinal range stays as dense as the peak number of
 * live plus tombstoned points. Not thread-safe: one owner thread.
 */
public final class OrdinalMap {
    private final Map<PointId, Integer> ordinals = new HashMap<>();
    private PointId[] ids = new PointId[64];
    private final BitSet live = new BitSet();
    private final BitSet tombstones = new BitSet();
    private int[] free = new int[16];
    private int freeCount;
    private int upperBound;
    private int liveCount;
    private int tombstoneCount;

    /** The live ordinal of {@code id}, or −1. */
    public int ordinalOf(PointId id) {
        Integer ord = ordinals.get(id);
        return ord == null ? -1 : ord;
    }

    /** The point id of a live ordinal; {@code null} for a free or tombstoned one or one out of range. */
    public PointId idOf(int ordinal) {
        return ordinal >= 0 && ordinal < upperBound ? ids[ordinal] : null;
    }

    public boolean isLive(int ordinal) {
        return live.get(ordinal);
    }

    public boolean isTombstone(int ordinal) {
        return tombstones.get(ordinal);
    }

    /** The next live ordinal at or after {@code from}, or −1 (for iteration). */
    public int nextLive(int from) {
        return live.nextSetBit(from);
    }

    /** The next tombstoned ordinal at or after {@code from}, or −1. */
    public int nextTombstone(int from) {
        return tombstones.nextSetBit(from);
    }

    public int liveCount() {
        return liveCount;
    }

    public int tombstoneCount() {
        return tombstoneCount;
    }

    /** One past the largest ordinal ever handed out. */
    public int upperBound() {
        return upperBound;
    }

    /**
     * Gives {@code id} a live ordinal: the most recently freed one, or a fresh one.
     *
     * @throws IllegalStateException when {@code id} already has a live ordinal (retire it first)
     */
    public int assign(PointId id) {
        if (ordinals.containsKey(id)) {
            throw new IllegalStateException("point " + id + " already has ordinal " + ordinals.get(id));
        }
        int ord = freeCount > 0 ? free[--freeCount] : upperBound++;
        if (ord >= ids.length) {
            ids = Arrays.copyOf(ids, Math.max(ord + 1, ids.length * 2));
        }
        ids[ord] = id;
        live.set(ord);
        liveCount++;
        ordinals.put(id, ord);
        return ord;
    }

    /** Turns a live ordinal into a tombstone: its id is unmapped, the ordinal stays reserved. */
    public void tombstone(int ordinal) {
        unmapLive(ordinal);
        tombstones.set(ordinal);
        tombstoneCount++;
    }

    /** Frees a live ordinal at once (only when no graph references it). */
    public void free(int ordinal) {
        unmapLive(ordinal);
        pushFree(ordinal);
    }

    /**
     * Frees every tombstone; call only once the graph no longer contains them.
     *
     * @return the freed ordinals, ascending
     */
    public int[] releaseTombstones() {
        int[] released = new int[tombstoneCount];
        int n = 0;
        for (int ord = tombstones.nextSetBit(0); ord >= 0; ord = tombstones.nextSetBit(ord + 1)) {
            released[n++] = ord;
        }
        // pushed in descending order so that the smallest ordinal is reused first
        for (int i = n - 1; i >= 0; i--) {
            pushFree(released[i]);
        }
        tombstones.clear();
        tombstoneCount = 0;
        return released;
    }

    private void unmapLive(int ordinal) {
        if (!live.get(ordinal)) {
            throw new IllegalStateException("ordinal " + ordinal + " is not live");
        }
        ordinals.remove(ids[ordinal]);
        ids[ordinal] = null;
        live.clear(ordinal);
        liveCount--;
    }

    private void pushFree(int ordinal) {
        if (freeCount == free.length) {
            free = Arrays.copyOf(free, free.length * 2);
        }
        free[freeCount++] = ordinal;
    }

    // ---- persistence -------------------------------------------------------------------------------

    private static final byte FREE = 0;
    private static final byte LIVE = 1;
    private static final byte TOMBSTONE = 2;

    /**
     * Writes the ordinal range: the upper bound, then per ordinal its state and, for a live one, its point
     * id. The free list order is not kept (a restored map reuses freed ordinals smallest first).
     */
    public void writeTo(DataOutput out) throws IOException {
        out.writeInt(upperBound);
        for (int ord = 0; ord < upperBound; ord++) {
            if (live.get(ord)) {
                out.writeByte(LIVE);
                PointId id = ids[ord];
                out.writeBoolean(id.isUuid());
                if (id.isUuid()) {
                    out.writeUTF(id.uuid());
                } else {
                    out.writeLong(id.num());
                }
            } else {
                out.writeByte(tombstones.get(ord) ? TOMBSTONE : FREE);
            }
        }
    }

    /** Reads what {@link #writeTo} wrote. */
    public static OrdinalMap readFrom(DataInput in) throws IOException {
        OrdinalMap map = new OrdinalMap();
        int upper = in.readInt();
        if (upper < 0) {
            throw new IOException("corrupt ordinal map: upper bound " + upper);
        }
        map.ids = new PointId[Math.max(64, upper)];
        map.upperBound = upper;
        for (int ord = 0; ord < upper; ord++) {
            byte state = in.readByte();
            switch (state) {
                case LIVE: {
                    PointId id = in.readBoolean() ? new PointId(0, in.readUTF()) : PointId.of(in.readLong());
                    if (map.ordinals.put(id, ord) != null) {
                        throw new IOException("corrupt ordinal map: point " + id + " appears twice");
                    }
                    map.ids[ord] = id;
                    map.live.set(ord);
                    map.liveCount++;
                    break;
                }
                case TOMBSTONE:
                    map.tombstones.set(ord);
                    map.tombstoneCount++;
                    break;
                case FREE:
                    break;
                default:
                    throw new IOException("corrupt ordinal map: state " + state + " at ordinal " + ord);
            }
        }
        for (int ord = upper - 1; ord >= 0; ord--) {
            if (!map.live.get(ord) && !map.tombstones.get(ord)) {
                map.pushFree(ord);
            }
        }
        return map;
    }
}
