package dev.sextant.job.protocol;

/** The index partitions' broadcast input: exactly one of a collection change or a resolved request. */
public record PartitionInput(CollectionChange change, ResolvedRequest request) {

    public static PartitionInput of(CollectionChange change) {
        return new PartitionInput(change, null);
    }

    public static PartitionInput of(ResolvedRequest request) {
        return new PartitionInput(null, request);
    }
}
