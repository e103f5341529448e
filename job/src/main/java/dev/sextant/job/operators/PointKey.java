package dev.sextant.job.operators;

import dev.sextant.index.PointId;

/** Map keys for (collection, point id) pairs inside one subtask's state. */
final class PointKey {
    private PointKey() {}

    static String of(String collection, PointId id) {
        return collection + '\0' + id;
    }
}
