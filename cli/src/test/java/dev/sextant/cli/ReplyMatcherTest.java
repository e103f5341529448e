package dev.sextant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** The client's matching of replies to ids, with the duplicates an at-least-once job produces after a failover. */
class ReplyMatcherTest {
    private static final String RESPONSE = """
            {"request_id":"r1","code":200,"status":"ok","time":0.002,"result":{"points":[{"id":7,"score":0.5}]}}""";
    private static final String REPLAYED_RESPONSE = """
            {"request_id":"r1","code":200,"status":"ok","time":0.009,"result":{"points":[{"id":7,"score":0.5}]}}""";

    @Test
    void theFirstReplyCompletesAndAReplayedDuplicateIsDroppedAndCounted() throws Exception {
        ReplyMatcher matcher = new ReplyMatcher(10);
        CompletableFuture<Reply> reply = matcher.expect("r1", 1_000);
        assertEquals(1, matcher.pendingCount());

        assertTrue(matcher.dispatch(RESPONSE, 3_000));
        assertFalse(matcher.dispatch(REPLAYED_RESPONSE, 4_000));
        assertFalse(matcher.dispatch(RESPONSE, 5_000));

        Reply r = reply.get();
        assertEquals("r1", r.id());
        assertEquals(0.002, r.body().get("time").asDouble()); // the first one, not the replay
        assertEquals(2_000, r.latencyNanos());
        assertEquals(2, matcher.duplicates());
        assertEquals(0, matcher.pendingCount());
    }

    @Test
    void acknowledgmentsAreMatchedByOpIdAndDeduplicatedToo() throws Exception {
        ReplyMatcher matcher = new ReplyMatcher(10);
        CompletableFuture<Reply> ack = matcher.expect("load-3", 0);
        assertTrue(matcher.dispatch("{\"op_id\":\"load-3\",\"status\":\"completed\"}", 1));
        assertFalse(matcher.dispatch("{\"op_id\":\"load-3\",\"status\":\"completed\"}", 2));
        assertTrue(ack.get().ok());
        assertEquals(1, matcher.duplicates());
    }

    @Test
    void anIdAlreadyAnsweredOrWaitingCannotBeSentAgain() {
        ReplyMatcher matcher = new ReplyMatcher(10);
        matcher.expect("r1", 0);
        IllegalArgumentException waiting = assertThrows(IllegalArgumentException.class, () -> matcher.expect("r1", 0));
        assertEquals("Id r1 is already waiting for a reply", waiting.getMessage());
        matcher.dispatch(RESPONSE, 1);
        IllegalArgumentException answered = assertThrows(IllegalArgumentException.class, () -> matcher.expect("r1", 0));
        assertEquals("Id r1 was already answered; ids must be unique, or a late duplicate of that answer would be"
                + " taken for the new one", answered.getMessage());
    }

    @Test
    void onlyTheLastRememberedIdsAreKept() throws Exception {
        ReplyMatcher matcher = new ReplyMatcher(3);
        for (int i = 1; i <= 4; i++) {
            matcher.expect("a" + i, 0);
            assertTrue(matcher.dispatch("{\"op_id\":\"a" + i + "\",\"status\":\"completed\"}", 1));
        }
        // a1 was forgotten (4 answered, 3 remembered): a late duplicate of it is taken as a stranger's message and
        // the id may be used again; a2..a4 are still remembered
        assertFalse(matcher.dispatch("{\"op_id\":\"a1\",\"status\":\"completed\"}", 2));
        assertEquals(0, matcher.duplicates());
        assertFalse(matcher.dispatch("{\"op_id\":\"a2\",\"status\":\"completed\"}", 2));
        assertEquals(1, matcher.duplicates());
        CompletableFuture<Reply> again = matcher.expect("a1", 0);
        assertTrue(matcher.dispatch("{\"op_id\":\"a1\",\"status\":\"completed\"}", 3));
        assertTrue(again.get().ok());
        assertThrows(IllegalArgumentException.class, () -> matcher.expect("a4", 0));
    }

    @Test
    void strangersAndGarbageAreIgnored() {
        ReplyMatcher matcher = new ReplyMatcher(10);
        CompletableFuture<Reply> mine = matcher.expect("mine", 0);
        assertFalse(matcher.dispatch("{\"request_id\":\"someone-else\",\"code\":200}", 1));
        assertFalse(matcher.dispatch("not json", 1));
        assertFalse(matcher.dispatch("[1,2]", 1));
        assertFalse(matcher.dispatch("{\"status\":\"completed\"}", 1));
        assertFalse(matcher.dispatch(null, 1));
        assertFalse(mine.isDone());
        assertEquals(0, matcher.duplicates());
    }

    @Test
    void aFailedSendFreesTheIdAndClosingFailsWhatIsWaiting() {
        ReplyMatcher matcher = new ReplyMatcher(10);
        CompletableFuture<Reply> first = matcher.expect("r1", 0);
        RuntimeException sendError = new RuntimeException("broker down");
        matcher.failed("r1", sendError);
        ExecutionException e = assertThrows(ExecutionException.class, first::get);
        assertSame(sendError, e.getCause());
        CompletableFuture<Reply> retry = matcher.expect("r1", 0); // never answered, so it may be sent again
        matcher.failAll(new SextantClientException("Client closed"));
        assertEquals("Client closed", assertThrows(ExecutionException.class, retry::get).getCause().getMessage());
        assertEquals(0, matcher.pendingCount());
    }
}
