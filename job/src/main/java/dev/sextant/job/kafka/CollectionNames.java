package dev.sextant.job.kafka;

import dev.sextant.index.QdrantException;

/**
 * Qdrant's rule for collection names: 1 to 255 characters, none of {@code < > : " / \ | ? *} and no control
 * characters (the NUL separates collection and id in internal keys).
 */
public final class CollectionNames {
    private CollectionNames() {}

    private static final String FORBIDDEN = "<>:\"/\\|?*";

    /** @throws QdrantException 422 when the name breaks the rule */
    public static void check(String name) {
        if (name.isEmpty() || name.length() > 255) {
            throw QdrantException.validation("collection_name: length must be between 1 and 255");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f || FORBIDDEN.indexOf(c) >= 0) {
                throw QdrantException.validation("collection_name: collection name cannot contain \""
                        + (c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c)) + "\" char");
            }
        }
    }
}
