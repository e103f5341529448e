package dev.sextant.index.query;

/** A context pair of discover and context queries: {@code {"positive": example, "negative": example}}. */
public record ExamplePair(Example positive, Example negative) {}
