/**
 * Payload filters (conformance README §3.5). {@link dev.sextant.index.filter.FilterParser} parses
 * Qdrant's filter JSON once into an immutable {@link dev.sextant.index.filter.Filter} of
 * {@link dev.sextant.index.filter.Condition}s ({@code must}/{@code should}/{@code must_not}/{@code min_should},
 * field conditions with {@link dev.sextant.index.filter.ValueCheck}s, {@code is_empty}, {@code is_null},
 * {@code has_id}, {@code has_vector}, {@code nested}, nested filters); payload keys are
 * {@link dev.sextant.index.filter.JsonPath}s ({@code a.b}, {@code a[].b}). A filter is tested against a
 * point's id, payload and vector names from any thread.
 */
package dev.sextant.index.filter;
