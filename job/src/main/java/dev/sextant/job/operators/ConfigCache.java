package dev.sextant.job.operators;

import dev.sextant.index.CollectionConfig;
import dev.sextant.job.protocol.CatalogEntry;
import dev.sextant.job.protocol.Json;
import java.util.HashMap;
import java.util.Map;

/**
 * Parsed {@link CollectionConfig}s of catalog entries, so a stage parses a collection's config once per
 * incarnation rather than once per message. Per subtask, not thread-safe; holds one entry per collection name.
 */
final class ConfigCache {
    private record Parsed(long incarnation, CollectionConfig config) {}

    private final Map<String, Parsed> parsed = new HashMap<>();

    /** The config of a live entry, or null for a missing or deleted one. */
    CollectionConfig config(CatalogEntry entry) {
        if (entry == null || entry.deleted()) {
            return null;
        }
        Parsed p = parsed.get(entry.collection());
        if (p == null || p.incarnation() != entry.incarnation()) {
            p = new Parsed(entry.incarnation(), CollectionConfig.fromJson(Json.readTrusted(entry.configJson())));
            parsed.put(entry.collection(), p);
        }
        return p.config();
    }
}
