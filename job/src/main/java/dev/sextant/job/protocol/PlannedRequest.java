package dev.sextant.job.protocol;

/**
 * A request that passed the catalog checks, waiting in {@code RequestResolver} (keyed by ticket) for its
 * {@code lookups} example points.
 *
 * @param batch true for {@code query_batch}
 * @param bodyJson the request body as received ({@code query} body, or {@code {"searches": [...]}})
 * @param catalog the entries of every collection the request refers to (searched, {@code lookup_from}), as the
 *     planner saw them; resolution uses this snapshot, so a request is judged against one consistent catalog
 * @param lookups the number of distinct example points looked up
 */
public record PlannedRequest(
        RequestRef ref, boolean batch, String collection, String bodyJson, CatalogEntry[] catalog, int lookups) {}
