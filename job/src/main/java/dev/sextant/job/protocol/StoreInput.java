package dev.sextant.job.protocol;

/** The point store's keyed input: exactly one of a point write, a lookup or a collection sweep. */
public record StoreInput(PointWrite write, Lookup lookup, CollectionSweep sweep) {

    public static StoreInput of(PointWrite write) {
        return new StoreInput(write, null, null);
    }

    public static StoreInput of(Lookup lookup) {
        return new StoreInput(null, lookup, null);
    }

    public static StoreInput of(CollectionSweep sweep) {
        return new StoreInput(null, null, sweep);
    }

    public String storeKey() {
        return write != null ? write.storeKey() : lookup != null ? lookup.storeKey() : sweep.storeKey();
    }
}
