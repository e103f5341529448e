package dev.sextant.job.operators;

import dev.sextant.index.IndexOptions;
import java.io.Serializable;

/**
 * The index tuning the job exposes as options ({@code sextant.index.*}), in a form that travels with the
 * operator; every other knob keeps {@link IndexOptions#defaults()}.
 *
 * @param exactScanBelow vector spaces with fewer points than this (per partition) are scanned exactly
 * @param m jvector's maximum out-degree per node
 * @param efConstruction the graph construction beam
 * @param defaultEf the search beam when a request gives no {@code params.hnsw_ef}
 */
public record IndexSettings(int exactScanBelow, int m, int efConstruction, int defaultEf) implements Serializable {

    public static IndexSettings defaults() {
        IndexOptions d = IndexOptions.defaults();
        return new IndexSettings(d.exactScanBelow(), d.m(), d.efConstruction(), d.defaultEf());
    }

    public IndexOptions toIndexOptions() {
        IndexOptions d = IndexOptions.defaults();
        return new IndexOptions(exactScanBelow, m, efConstruction, defaultEf, d.neighborOverflow(), d.alpha(),
                d.repairFraction());
    }
}
