package dev.sextant.index.payload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sextant.index.Point;
import dev.sextant.index.QdrantException;

/**
 * {@code overwrite_payload} ({@code PUT /collections/{c}/points/payload}): the point's payload becomes exactly
 * {@code payload} (Qdrant documentation "Payload", "Overwrite payload"). Values are stored as given, {@code null}
 * ones included. The body is {@code set_payload}'s; a {@code key} is checked and then ignored, as Qdrant v1.19
 * does.
 *
 * @param payload the new payload (a private copy; {@link #payload()} returns another)
 * @param selector the points to change
 */
public record OverwritePayload(ObjectNode payload, PointSelector selector) implements PayloadOperation {
    public static final String NAME = "overwrite_payload";

    public OverwritePayload {
        payload = payload.deepCopy();
    }

    /**
     * Parses {@code {"payload": {..}, "points": [ids] | "filter": {..}}}.
     *
     * @throws QdrantException the errors of {@link SetPayload#fromJson}
     */
    public static OverwritePayload fromJson(JsonNode body) {
        PayloadOperations.requireObject(body);
        ObjectNode payload = PayloadOperations.payloadOf(body);
        PointSelector selector = PointSelector.required(body);
        SetPayload.keyOf(body);
        return new OverwritePayload(payload, selector);
    }

    @Override
    public ObjectNode payload() {
        return payload.deepCopy();
    }

    @Override
    public Point apply(Point point) {
        return new Point(point.id(), point.vectors(), payload.deepCopy());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.set("payload", payload.deepCopy());
        selector.writeTo(body);
        return body;
    }
}
