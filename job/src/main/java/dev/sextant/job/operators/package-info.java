/**
 * The job's operators, one per file, named for what they do, in dataflow order:
 * {@link dev.sextant.job.operators.PointOpRouter} (envelope of point operations) →
 * {@link dev.sextant.job.operators.CollectionCatalog} (keyed by collection name: the authority on each
 * collection, which validates and stamps every operation on it in partition order; collection changes broadcast
 * to the planner and the partitions) → {@link dev.sextant.job.operators.PointStore} (latest version of every
 * point, payload changes and sweeps by filter, example lookups) →
 * {@link dev.sextant.job.operators.IndexPartition} (keyed-state partitions with in-memory indexes, searched by
 * broadcast requests) → {@link dev.sextant.job.operators.AckCollector} (one acknowledgment per {@code op_id});
 * and {@link dev.sextant.job.operators.RequestPlanner} (catalog checks, lookups) →
 * {@link dev.sextant.job.operators.RequestResolver} (ids replaced by vectors) → the partitions →
 * {@link dev.sextant.job.operators.MergeTopK} (one response per request). Helpers: {@code PointOpBodies} (an
 * operation's body → per-point writes), {@link dev.sextant.job.operators.PartitionKeys} (where a point lives),
 * {@link dev.sextant.job.operators.KeyGroupKeys} (one key per key group, to reach every subtask of a keyed
 * operator in order), {@code PartitionSnapshots} (when the partitions write their
 * {@link dev.sextant.job.operators.GraphBlob}s, and loading them on restore).
 *
 * <p>Every operator turns bad input into a dead letter or an error response itself; nothing a user sends is
 * allowed to throw out of an operator. State descriptors are public constants named in plain words, so tests
 * and state tools can refer to them.
 */
package dev.sextant.job.operators;
