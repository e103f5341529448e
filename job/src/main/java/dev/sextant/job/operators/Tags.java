package dev.sextant.job.operators;

import dev.sextant.job.protocol.AckPart;
import dev.sextant.job.protocol.CollectionChange;
import dev.sextant.job.protocol.Lookup;
import dev.sextant.job.protocol.LookupResult;
import dev.sextant.job.protocol.Outbound;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.OutputTag;

/** The side outputs the operators share; each operator's doc says which it uses. */
public final class Tags {
    private Tags() {}

    /** Responses, acknowledgments and dead letters, all for the one Kafka sink. */
    public static final OutputTag<Outbound> OUTBOUND = new OutputTag<>("outbound", TypeInformation.of(Outbound.class));

    /** Parts of acknowledgments, for {@code AckCollector}. */
    public static final OutputTag<AckPart> ACKS = new OutputTag<>("ack-parts", TypeInformation.of(AckPart.class));

    /** Accepted collection changes, broadcast from {@code CollectionCatalog} to the planner and the partitions. */
    public static final OutputTag<CollectionChange> CHANGES =
            new OutputTag<>("collection-changes", TypeInformation.of(CollectionChange.class));

    /** Example-point lookups, for {@code PointStore}. */
    public static final OutputTag<Lookup> LOOKUPS = new OutputTag<>("lookups", TypeInformation.of(Lookup.class));

    /** Lookup answers, for {@code RequestResolver}. */
    public static final OutputTag<LookupResult> LOOKUP_RESULTS =
            new OutputTag<>("lookup-results", TypeInformation.of(LookupResult.class));
}
