package dev.sextant.index.query;

/**
 * The internal similarity of one candidate to an example vector: larger is more similar, already turned
 * from the metric by {@link dev.sextant.index.Distance#similarity} (conformance README §2).
 *
 * <p>Query kinds see only this function, never the metric or the storage, so they are tested with an
 * identity similarity where a one-element "vector" is its own score.
 */
@FunctionalInterface
public interface Similarity {
    /** Similarity of the candidate to {@code example}. */
    float to(float[] example);
}
