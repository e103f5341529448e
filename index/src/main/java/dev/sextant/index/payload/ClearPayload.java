package dev.sextant.index.payload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sextant.index.Point;
import dev.sextant.index.QdrantException;

/**
 * {@code clear_payload} ({@code POST /collections/{c}/points/payload/clear}): removes every key (Qdrant
 * documentation "Payload", "Clear payload"). The point keeps an empty payload object, which reads like none:
 * {@code with_payload} shows {@code {}} and filters see no values.
 *
 * @param selector the points to change
 */
public record ClearPayload(PointSelector selector) implements PayloadOperation {
    public static final String NAME = "clear_payload";

    /**
     * Parses {@code {"points": [ids]}} or {@code {"filter": {..}}}.
     *
     * @throws QdrantException the errors of {@link PointSelector#fromJson}
     */
    public static ClearPayload fromJson(JsonNode body) {
        return new ClearPayload(PointSelector.fromJson(body));
    }

    @Override
    public Point apply(Point point) {
        return new Point(point.id(), point.vectors(), JsonNodeFactory.instance.objectNode());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        selector.writeTo(body);
        return body;
    }
}
