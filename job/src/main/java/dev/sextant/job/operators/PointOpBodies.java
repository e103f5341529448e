package dev.sextant.job.operators;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sextant.index.CollectionConfig;
import dev.sextant.index.Point;
import dev.sextant.index.PointId;
import dev.sextant.index.Points;
import dev.sextant.index.QdrantException;
import dev.sextant.job.kafka.PointOpSchema;
import dev.sextant.job.protocol.CatalogEntry;
import dev.sextant.job.protocol.PointWrite;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads the body of a point operation into one {@link PointWrite} per point, validated against the collection's
 * configuration: pure functions, used by {@link CollectionCatalog}.
 *
 * <p>An operation is validated as a whole before any write is returned (Qdrant rejects the whole batch): every
 * failure is a {@link QdrantException} with Qdrant's code and text (400 for a malformed body, a bad id, a wrong
 * dimension, an unknown vector name or a non-finite component).
 */
final class PointOpBodies {
    private PointOpBodies() {}

    /** The writes of an {@code upsert}: {@code {"points": [{"id":…, "vector":…, "payload":…}, …]}}. */
    static List<PointWrite> upserts(PointOpSchema.PointOp op, CatalogEntry entry, CollectionConfig config,
            PartitionKeys partitions) {
        JsonNode points = requireArray(op.body(), "points",
                "Format error in JSON body: missing field `points` (the `batch` form is not supported)");
        List<PointWrite> writes = new ArrayList<>(points.size());
        for (JsonNode node : points) {
            Point p = Points.fromJson(config, node);
            String[] names = new String[p.vectors().size()];
            float[][] vectors = new float[names.length][];
            int i = 0;
            for (Map.Entry<String, float[]> v : p.vectors().entrySet()) {
                names[i] = v.getKey();
                vectors[i++] = v.getValue();
            }
            writes.add(new PointWrite(op.collection(), entry.incarnation(), entry.configJson(), p.id(),
                    partitions.partitionOf(op.collection(), p.id()), false, names, vectors,
                    p.payload() == null ? null : p.payload().toString(), op.opId(), points.size()));
        }
        return writes;
    }

    /** The writes of a {@code delete} by ids: {@code {"points": [id, …]}}. */
    static List<PointWrite> deletes(PointOpSchema.PointOp op, CatalogEntry entry, PartitionKeys partitions) {
        if (op.body() != null && op.body().has("filter") && !op.body().has("points")) {
            throw QdrantException.badRequest("Format error in JSON body: delete by `filter` is not supported;"
                    + " list the point ids in `points`");
        }
        JsonNode ids = requireArray(op.body(), "points", "Format error in JSON body: missing field `points`");
        List<PointWrite> writes = new ArrayList<>(ids.size());
        for (JsonNode node : ids) {
            PointId id = PointId.fromJson(node);
            writes.add(new PointWrite(op.collection(), entry.incarnation(), entry.configJson(), id,
                    partitions.partitionOf(op.collection(), id), true, null, null, null, op.opId(), ids.size()));
        }
        return writes;
    }

    static JsonNode requireArray(JsonNode body, String field, String missing) {
        if (body == null || !body.isObject()) {
            throw QdrantException.badRequest("Format error in JSON body: missing field `body`");
        }
        JsonNode array = body.get(field);
        if (array == null || array.isNull()) {
            throw QdrantException.badRequest(missing);
        }
        if (!array.isArray()) {
            throw QdrantException.badRequest("Format error in JSON body: `" + field + "` must be an array");
        }
        return array;
    }
}
