package dev.sextant.index.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sextant.index.PointId;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class OrdinalMapTest {
    private static final PointId A = PointId.of(1);
    private static final PointId B = PointId.of(2);
    private static final PointId C = PointId.of(UUID.fromString("123e4567-e89b-12d3-a456-426614174000"));
    private static final PointId D = PointId.of(-1L); // 2^64 - 1

    @Test
    void assignsDenseOrdinalsAndMapsBothWays() {
        OrdinalMap map = new OrdinalMap();
        assertEquals(0, map.assign(A));
        assertEquals(1, map.assign(B));
        assertEquals(2, map.assign(C));
        assertEquals(1, map.ordinalOf(B));
        assertEquals(C, map.idOf(2));
        assertEquals(-1, map.ordinalOf(D));
        assertNull(map.idOf(3));
        assertEquals(3, map.liveCount());
        assertThrows(IllegalStateException.class, () -> map.assign(A));
    }

    @Test
    void tombstonesStayReservedUntilReleased() {
        OrdinalMap map = new OrdinalMap();
        map.assign(A);
        map.assign(B);
        map.assign(C);
        map.tombstone(0);
        map.tombstone(2);
        assertEquals(-1, map.ordinalOf(A));
        assertNull(map.idOf(0));
        assertTrue(map.isTombstone(0));
        assertEquals(2, map.tombstoneCount());
        assertEquals(3, map.assign(A), "a tombstoned ordinal is not reused");

        assertArrayEquals(new int[] {0, 2}, map.releaseTombstones());
        assertEquals(0, map.tombstoneCount());
        assertEquals(0, map.assign(D), "smallest released ordinal first");
        assertEquals(2, map.assign(C));
        assertEquals(4, map.assign(PointId.of(9)));
        assertEquals(5, map.upperBound());
    }

    @Test
    void freeReleasesAtOnce() {
        OrdinalMap map = new OrdinalMap();
        map.assign(A);
        map.free(0);
        assertFalse(map.isLive(0));
        assertEquals(0, map.assign(B));
        assertThrows(IllegalStateException.class, () -> map.free(5));
    }

    @Test
    void roundTripsThroughBytes() throws IOException {
        OrdinalMap map = new OrdinalMap();
        map.assign(A);
        map.assign(B);
        map.assign(C);
        map.assign(D);
        map.tombstone(1);
        map.free(2);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        map.writeTo(new DataOutputStream(bytes));
        OrdinalMap copy = OrdinalMap.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertEquals(4, copy.upperBound());
        assertEquals(2, copy.liveCount());
        assertEquals(0, copy.ordinalOf(A));
        assertEquals(3, copy.ordinalOf(D));
        assertTrue(copy.isTombstone(1));
        assertEquals(-1, copy.ordinalOf(C));
        assertEquals(2, copy.assign(C), "the free ordinal is reused");
        assertEquals(4, copy.assign(B), "the tombstone is not");
    }
}
