package dev.sextant.job.operators;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sextant.index.CollectionConfig;
import dev.sextant.index.Point;
import dev.sextant.index.PointId;
import dev.sextant.index.Points;
import dev.sextant.index.QdrantException;
import dev.sextant.index.payload.PayloadOperation;
import dev.sextant.index.payload.PointSelector;
import dev.sextant.job.kafka.PointOpSchema;
import dev.sextant.job.protocol.CatalogEntry;
import dev.sextant.job.protocol.Json;
import dev.sextant.job.protocol.PayloadChange;
import dev.sextant.job.protocol.PointWrite;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a parsed point operation into one {@link PointWrite} per point, validated against the collection's
 * configuration: pure functions, used by {@link CollectionCatalog} (the parsing and semantics of payload
 * operations and selectors are the {@code index} module's {@code dev.sextant.index.payload}).
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
                    p.payload() == null ? null : p.payload().toString(), null, op.opId(), points.size(), writes.size()));
        }
        return writes;
    }

    /** The writes of a {@code delete} of listed ids (a missing id is no error: Qdrant). */
    static List<PointWrite> deletes(PointOpSchema.PointOp op, CatalogEntry entry, List<PointId> ids,
            PartitionKeys partitions) {
        List<PointWrite> writes = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            PointId id = ids.get(i);
            writes.add(new PointWrite(op.collection(), entry.incarnation(), entry.configJson(), id,
                    partitions.partitionOf(op.collection(), id), true, null, null, null, null, op.opId(), ids.size(), i));
        }
        return writes;
    }

    /**
     * The writes of a payload operation on listed ids: one per listed id (duplicates kept, as Qdrant applies the
     * operation once per listed id), each asking the store to apply {@code operation} to the stored point.
     */
    static List<PointWrite> payloadChanges(PointOpSchema.PointOp op, CatalogEntry entry, PayloadOperation operation,
            List<PointId> ids, PartitionKeys partitions) {
        PayloadChange change = changeOf(operation);
        List<PointWrite> writes = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            PointId id = ids.get(i);
            writes.add(new PointWrite(op.collection(), entry.incarnation(), entry.configJson(), id,
                    partitions.partitionOf(op.collection(), id), false, null, null, null, change, op.opId(),
                    ids.size(), i));
        }
        return writes;
    }

    /** The operation as a message for one point: its body with the selector emptied (the write names the point). */
    static PayloadChange changeOf(PayloadOperation operation) {
        ObjectNode body = operation.toJson();
        body.remove("filter");
        body.putArray("points");
        return new PayloadChange(operation.name(), Json.write(body));
    }

    /** The body of a delete by filter, {@code {"filter": {..}}}. */
    static String deleteBody(PointSelector.Matching selector) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        selector.writeTo(body);
        return Json.write(body);
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
