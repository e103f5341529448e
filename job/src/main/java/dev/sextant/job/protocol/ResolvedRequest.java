package dev.sextant.job.protocol;

/**
 * A request whose example ids are all replaced by vectors, broadcast to every index partition.
 *
 * @param incarnation the searched collection's incarnation; a partition holding another incarnation answers
 *     with no hits
 * @param configJson the searched collection's {@code vectors} JSON
 * @param queries one resolved query ({@code ResolvedQuery.toJson()}) per search (one for {@code query})
 */
public record ResolvedRequest(
        RequestRef ref, boolean batch, String collection, long incarnation, String configJson, String[] queries) {}
