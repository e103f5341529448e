package dev.sextant.job.protocol;

/** The point store's keyed input: exactly one of a point write or a lookup. */
public record StoreInput(PointWrite write, Lookup lookup) {

    public static StoreInput of(PointWrite write) {
        return new StoreInput(write, null);
    }

    public static StoreInput of(Lookup lookup) {
        return new StoreInput(null, lookup);
    }

    public String storeKey() {
        return write != null ? write.storeKey() : lookup.storeKey();
    }
}
