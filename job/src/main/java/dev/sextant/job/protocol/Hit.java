package dev.sextant.job.protocol;

import dev.sextant.index.PointId;

/**
 * One scored point of a partial result.
 *
 * @param score the score as Qdrant shows it
 * @param payloadJson the selected payload as JSON, or null when {@code with_payload} did not ask for it
 * @param vectorJson the selected vector(s) as JSON, or null when {@code with_vector} did not ask for it
 */
public record Hit(PointId id, float score, String payloadJson, String vectorJson) {}
