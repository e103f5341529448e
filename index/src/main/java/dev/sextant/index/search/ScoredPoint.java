package dev.sextant.index.search;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sextant.index.PointId;

/**
 * One result point: id, the score as Qdrant shows it, and the payload / vector selected by
 * {@code with_payload} / {@code with_vector} ({@code null} when not asked for).
 */
public record ScoredPoint(PointId id, float score, JsonNode payload, JsonNode vector) {}
