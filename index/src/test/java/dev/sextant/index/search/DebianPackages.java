package dev.sextant.index.search;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sextant.index.Distance;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The real dataset of the recall tests: the Debian 12 package catalogue embedded with all-MiniLM-L6-v2
 * (49,443 packages, 384-d, Cosine; {@code data/README.md} at the repository root describes it). Records are
 * read in file order (ids 1, 2, … in package-name order) with a streaming parser.
 */
final class DebianPackages {
    /** The file, relative to the module directory (where surefire runs). */
    static final Path FILE = Path.of("../data/debian-packages-minilm-q.jsonl.gz");
    static final int SIZE = 49_443;
    static final int DIMENSION = 384;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private DebianPackages() {}

    /**
     * One package.
     *
     * @param id the point id (1 … 49,443)
     * @param vector the embedding, normalised for Cosine (as a collection stores it), dimension 384
     * @param payload the package's metadata ({@code name}, {@code section}, {@code tags}, …), or {@code null}
     *     when read without payloads
     */
    record Package(long id, float[] vector, ObjectNode payload) {}

    /**
     * The first {@code limit} packages of the file.
     *
     * @param payloads whether to keep each payload (about 1 KB of heap per package) or skip it
     * @throws UncheckedIOException when the file cannot be read
     * @throws IllegalStateException when a vector does not have 384 components
     */
    static List<Package> read(int limit, boolean payloads) {
        List<Package> out = new ArrayList<>(Math.min(limit, SIZE));
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(FILE)), 1 << 16);
                JsonParser p = MAPPER.getFactory().createParser(in)) {
            float[] buf = new float[DIMENSION];
            while (out.size() < limit && p.nextToken() == JsonToken.START_OBJECT) {
                long id = -1;
                float[] vector = null;
                ObjectNode payload = null;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    p.nextToken();
                    switch (field) {
                        case "id" -> id = p.getLongValue();
                        case "vector" -> {
                            int d = 0;
                            while (p.nextToken() != JsonToken.END_ARRAY) {
                                if (d == DIMENSION) {
                                    throw new IllegalStateException("package " + id + ": more than " + DIMENSION + " components");
                                }
                                buf[d++] = p.getFloatValue();
                            }
                            if (d != DIMENSION) {
                                throw new IllegalStateException("package " + id + ": " + d + " components");
                            }
                            vector = Distance.COSINE.preprocess(buf.clone());
                        }
                        case "payload" -> {
                            if (payloads) {
                                payload = p.readValueAsTree();
                            } else {
                                p.skipChildren();
                            }
                        }
                        default -> p.skipChildren();
                    }
                }
                out.add(new Package(id, vector, payload));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + FILE.toAbsolutePath(), e);
        }
        return out;
    }
}
