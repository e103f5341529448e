package dev.sextant.index;

/**
 * An error with Qdrant's HTTP-style status code and message text (decision D6).
 *
 * <p>Thrown by parsing, validation and resolution; the job turns it into an error response
 * ({@code {"status":{"error": message}, "code": code}}) or a dead letter. Never thrown for a reason that
 * is not the caller's input.
 */
public final class QdrantException extends RuntimeException {
    private final int code;

    public QdrantException(int code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    /** 400 Bad Request. */
    public static QdrantException badRequest(String message) {
        return new QdrantException(400, message);
    }

    /** 404 Not Found; Qdrant prefixes the message with "Not found: ". */
    public static QdrantException notFound(String message) {
        return new QdrantException(404, "Not found: " + message);
    }

    /** 422 Unprocessable Entity (JSON validation); Qdrant prefixes "Validation error in JSON body: ". */
    public static QdrantException validation(String message) {
        return new QdrantException(422, "Validation error in JSON body: " + message);
    }

    /** 409 Conflict, e.g. creating a collection that exists. */
    public static QdrantException conflict(String message) {
        return new QdrantException(409, message);
    }

    public static QdrantException collectionNotFound(String name) {
        return notFound("Collection `" + name + "` doesn't exist!");
    }

    public int code() {
        return code;
    }
}
