package dev.sextant.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Decision D4's id order and the id forms. */
class PointIdTest {
    static final JsonNodeFactory F = JsonNodeFactory.instance;

    @Test
    void integersAscendingBeforeUuidsByString() {
        PointId u1 = PointId.parse("00000000-0000-0000-0000-000000000001");
        PointId uA = PointId.parse("A0000000-0000-0000-0000-000000000000");
        PointId uB = PointId.parse("b0000000-0000-0000-0000-000000000000");
        List<PointId> sorted = List.of(PointId.of(0), PointId.of(2), PointId.of(10), PointId.of(Long.MAX_VALUE),
                PointId.of(-1L) /* 2^64 − 1 */, u1, uA, uB);
        List<PointId> shuffled = new ArrayList<>(sorted);
        Collections.shuffle(shuffled, new Random(3));
        Collections.sort(shuffled);
        assertEquals(sorted, shuffled);
        assertEquals("a0000000-0000-0000-0000-000000000000", uA.toString(), "UUIDs are lowercase");
    }

    @Test
    void jsonForms() {
        assertEquals(PointId.of(7), PointId.fromJson(F.numberNode(7)));
        assertEquals(PointId.of(-1L), PointId.fromJson(F.numberNode(new BigInteger("18446744073709551615"))));
        assertEquals("18446744073709551615", PointId.of(-1L).toString());
        assertEquals(new BigInteger("18446744073709551615"), PointId.of(-1L).toJson().bigIntegerValue());
        PointId u = PointId.fromJson(F.textNode("11111111111111111111111111111111"));
        assertEquals(PointId.of(UUID.fromString("11111111-1111-1111-1111-111111111111")), u);
        assertEquals(PointId.of(12), PointId.parse("12"), "the text form (messages, keys) takes digits");
        assertEquals(u, PointId.parse("11111111-1111-1111-1111-111111111111"));
        assertTrue(u.isUuid());
    }

    @Test
    void badIdsAre400() {
        for (var bad : List.of(F.numberNode(-1), F.numberNode(1.5), F.textNode("x"), F.textNode("12"), F.booleanNode(true),
                F.textNode("1111111-11111-1111-1111-111111111111"),
                F.numberNode(new BigInteger("18446744073709551616")), F.nullNode())) {
            QdrantException e = assertThrows(QdrantException.class, () -> PointId.fromJson(bad), bad.toString());
            assertEquals(400, e.code());
        }
    }
}
