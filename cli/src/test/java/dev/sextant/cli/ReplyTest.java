package dev.sextant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The reply shapes of docs/protocol.md §3 and §5, and the demo's latency statistics. */
class ReplyTest {

    private static Reply reply(String json) throws Exception {
        return new Reply("x", Messages.json().readTree(json), 2_500_000);
    }

    @Test
    void completedAcknowledgmentIsOk() throws Exception {
        Reply r = reply("{\"op_id\":\"u1\",\"status\":\"completed\"}");
        assertTrue(r.ok());
        assertEquals(200, r.code());
        assertNull(r.error());
        assertEquals(2.5, r.latencyMillis(), 1e-9);
    }

    @Test
    void errorAcknowledgmentCarriesCodeAndMessage() throws Exception {
        Reply r = reply("{\"op_id\":\"u2\",\"status\":{\"error\":\"Wrong input: Vector dimension error\"},\"code\":400}");
        assertFalse(r.ok());
        assertEquals(400, r.code());
        assertEquals("Wrong input: Vector dimension error", r.error());
    }

    @Test
    void responsesAreJudgedByCode() throws Exception {
        assertTrue(reply("{\"request_id\":\"r1\",\"code\":200,\"status\":\"ok\",\"time\":0.003,\"result\":{\"points\":[]}}").ok());
        Reply notFound = reply("{\"request_id\":\"r3\",\"code\":404,\"status\":{\"error\":\"Not found: No point with id 3 found\"},\"time\":0.0007}");
        assertFalse(notFound.ok());
        assertEquals(404, notFound.code());
        assertEquals("Not found: No point with id 3 found", notFound.error());
    }

    @Test
    void medianAndPercentile() {
        assertEquals(2.5, Demo.median(List.of(4.0, 1.0, 3.0, 2.0)), 1e-12);
        assertEquals(3.0, Demo.median(List.of(5.0, 3.0, 1.0)), 1e-12);
        assertEquals(95.0, Demo.percentile(java.util.stream.IntStream.rangeClosed(1, 100)
                .mapToObj(i -> (double) i).toList(), 0.95), 1e-12);
    }

    @Test
    void progressBarFillsInProportion() {
        assertEquals("[>         ]".length() + 20, ProgressBar.bar(0, 10).length());
        assertEquals("[" + "=".repeat(15) + ">" + " ".repeat(14) + "]", ProgressBar.bar(50, 100));
        assertEquals("[" + "=".repeat(30) + "]", ProgressBar.bar(100, 100));
    }
}
