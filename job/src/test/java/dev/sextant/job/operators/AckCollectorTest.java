package dev.sextant.job.operators;

import static dev.sextant.job.operators.Fixtures.RESULTS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sextant.job.protocol.AckPart;
import dev.sextant.job.protocol.CollectionChange;
import dev.sextant.job.protocol.Outbound;
import dev.sextant.job.protocol.PointWrite;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AckCollectorTest {
    private static final long ACK_TIMEOUT_MS = 60_000;

    private KeyedOneInputStreamOperatorTestHarness<String, AckPart, Outbound> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new AckCollector(RESULTS, ACK_TIMEOUT_MS), AckPart::opId, Types.STRING);
    }

    @AfterEach
    void tearDown() throws Exception {
        assertEquals(0, harness.numKeyedStateEntries());
        assertEquals(0, harness.numProcessingTimeTimers());
        harness.close();
    }

    @Test
    void anUpsertIsCompleteWhenEveryPointIsApplied() throws Exception {
        harness.processElement(AckPart.point("u", 3), 0);
        harness.processElement(AckPart.point("u", 3), 0);
        assertTrue(harness.extractOutputValues().isEmpty());
        assertEquals(1, harness.numProcessingTimeTimers());
        harness.processElement(AckPart.point("u", 3), 0);
        assertEquals(List.of(new Outbound(RESULTS, "u", "{\"op_id\":\"u\",\"status\":\"completed\"}")),
                harness.extractOutputValues());
    }

    @Test
    void aCollectionChangeIsCompleteWhenEveryStageSubtaskApplied() throws Exception {
        int stages = CollectionChange.DELETE_ACK_STAGES;
        for (String stage : List.of(PointStore.STAGE, RequestPlanner.STAGE)) {
            harness.processElement(AckPart.stageApplied("c", stage, stages, 2), 0);
            harness.processElement(AckPart.stageApplied("c", stage, stages, 2), 0);
        }
        harness.processElement(AckPart.stageApplied("c", IndexPartition.STAGE, stages, 2), 0);
        assertTrue(harness.extractOutputValues().isEmpty()); // one partition subtask is still missing
        harness.processElement(AckPart.stageApplied("c", IndexPartition.STAGE, stages, 2), 0);
        assertEquals(1, harness.extractOutputValues().size());
        assertEquals("{\"op_id\":\"c\",\"status\":\"completed\"}", harness.extractOutputValues().get(0).value());
    }

    @Test
    void anEmptyOperationCompletesAtOnceAndAnErrorEndsAnOperation() throws Exception {
        harness.processElement(AckPart.empty("e"), 0);
        harness.processElement(AckPart.failed("f", 404, "Not found: Collection `x` doesn't exist!"), 0);
        assertEquals(List.of(
                        new Outbound(RESULTS, "e", "{\"op_id\":\"e\",\"status\":\"completed\"}"),
                        new Outbound(RESULTS, "f",
                                "{\"op_id\":\"f\",\"status\":{\"error\":\"Not found: Collection `x` doesn't exist!\"},\"code\":404}")),
                harness.extractOutputValues());
    }

    @Test
    void aFilterOperationCompletesWhenEveryStoreSubtaskReportedAndEveryChangedPointIsApplied() throws Exception {
        // a partition may apply a changed point before its store subtask's count arrives
        harness.processElement(AckPart.point("f", PointWrite.SWEPT), 0);
        harness.processElement(AckPart.pointsChanged("f", 2), 0);
        harness.processElement(AckPart.stageApplied("f", PointStore.STAGE, AckPart.FILTER_OPERATION_GROUPS, 2), 0);
        harness.processElement(AckPart.pointsChanged("f", 1), 0);
        harness.processElement(AckPart.stageApplied("f", PointStore.STAGE, AckPart.FILTER_OPERATION_GROUPS, 2), 0);
        harness.processElement(AckPart.point("f", PointWrite.SWEPT), 0);
        assertTrue(harness.extractOutputValues().isEmpty()); // 2 of 3 changed points applied
        harness.processElement(AckPart.point("f", PointWrite.SWEPT), 0);
        assertEquals(List.of(new Outbound(RESULTS, "f", "{\"op_id\":\"f\",\"status\":\"completed\"}")),
                harness.extractOutputValues());
    }

    @Test
    void aFilterOperationThatChangesNothingCompletesWithItsLastStoreSubtask() throws Exception {
        harness.processElement(AckPart.pointsChanged("f", 0), 0);
        harness.processElement(AckPart.stageApplied("f", PointStore.STAGE, AckPart.FILTER_OPERATION_GROUPS, 2), 0);
        assertTrue(harness.extractOutputValues().isEmpty());
        harness.processElement(AckPart.pointsChanged("f", 0), 0);
        harness.processElement(AckPart.stageApplied("f", PointStore.STAGE, AckPart.FILTER_OPERATION_GROUPS, 2), 0);
        assertEquals(1, harness.extractOutputValues().size());
    }

    @Test
    void failedPointsFailTheOperationOnceCompleteWithTheFirstInOperationOrder() throws Exception {
        harness.processElement(AckPart.pointFailed("p", 4, 3, 404, "Not found: No point with id 30 found"), 0);
        harness.processElement(AckPart.point("p", 4), 0);
        harness.processElement(AckPart.pointFailed("p", 4, 1, 404, "Not found: No point with id 10 found"), 0);
        assertTrue(harness.extractOutputValues().isEmpty()); // the other points are still being applied
        harness.processElement(AckPart.point("p", 4), 0);
        assertEquals(List.of(new Outbound(RESULTS, "p",
                        "{\"op_id\":\"p\",\"status\":{\"error\":\"Not found: No point with id 10 found\"},\"code\":404}")),
                harness.extractOutputValues());
    }

    @Test
    void anOperationThatNeverCompletesIsAnsweredWithATimeout() throws Exception {
        harness.setProcessingTime(10);
        harness.processElement(AckPart.point("stuck", 2), 0);
        harness.setProcessingTime(10 + ACK_TIMEOUT_MS);
        Outbound out = harness.extractOutputValues().get(0);
        assertTrue(out.value().contains("\"code\":504"), out.value());
    }
}
