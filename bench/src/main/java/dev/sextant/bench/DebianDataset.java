package dev.sextant.bench;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sextant.index.Distance;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The Debian 12 package catalogue embedded with all-MiniLM-L6-v2 ({@code data/debian-packages-minilm-q.jsonl.gz},
 * described in {@code data/README.md}): 49,443 packages, 384-d, Cosine. Every {@code stride}-th package
 * (positions {@code stride/2}, {@code stride/2 + stride}, …, spread over the name order and so over all sections)
 * is held out as a query vector and not indexed; the selective filter is {@code section = games} (1,106 packages,
 * 2.2 %).
 */
public final class DebianDataset {
    /** The file, relative to the repository root. */
    public static final Path DEFAULT_FILE = Path.of("data", "debian-packages-minilm-q.jsonl.gz");
    public static final int SIZE = 49_443;
    public static final int DIMENSION = 384;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private DebianDataset() {}

    /**
     * Reads the first {@code limit} packages of {@code file} and holds out {@code queries} of them, evenly spaced.
     *
     * @param limit packages to read (≤ 49,443; fewer for quick runs)
     * @param queries held-out query vectors, ≥ 1 and at most half of {@code limit}
     * @throws IOException when the file cannot be read or a record has no 384-component vector
     */
    public static Dataset read(Path file, int limit, int queries) throws IOException {
        if (queries < 1 || queries > limit / 2) {
            throw new IllegalArgumentException("queries must be between 1 and half of " + limit);
        }
        List<Long> ids = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        List<ObjectNode> payloads = new ArrayList<>();
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(file)), 1 << 16);
                JsonParser p = MAPPER.getFactory().createParser(in)) {
            while (ids.size() < limit && p.nextToken() == JsonToken.START_OBJECT) {
                long id = -1;
                float[] vector = null;
                ObjectNode payload = null;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    p.nextToken();
                    switch (field) {
                        case "id" -> id = p.getLongValue();
                        case "vector" -> vector = readVector(p, id);
                        case "payload" -> payload = p.readValueAsTree();
                        default -> p.skipChildren();
                    }
                }
                if (id < 0 || vector == null || payload == null) {
                    throw new IOException(file + ": record " + (ids.size() + 1) + " lacks an id, vector or payload");
                }
                ids.add(id);
                vectors.add(Distance.COSINE.preprocess(vector));
                payloads.add(payload);
            }
        }
        int n = ids.size();
        int stride = n / queries;
        List<float[]> held = new ArrayList<>(queries);
        List<Integer> kept = new ArrayList<>(n - queries);
        for (int i = 0; i < n; i++) {
            if (held.size() < queries && i % stride == stride / 2) {
                held.add(vectors.get(i));
            } else {
                kept.add(i);
            }
        }
        long[] keptIds = new long[kept.size()];
        float[][] keptVectors = new float[kept.size()][];
        ObjectNode[] keptPayloads = new ObjectNode[kept.size()];
        for (int j = 0; j < kept.size(); j++) {
            int i = kept.get(j);
            keptIds[j] = ids.get(i);
            keptVectors[j] = vectors.get(i);
            keptPayloads[j] = payloads.get(i);
        }
        return new Dataset("debian", Distance.COSINE, keptIds, keptVectors, keptPayloads,
                held.toArray(float[][]::new), "section", "games");
    }

    private static float[] readVector(JsonParser p, long id) throws IOException {
        float[] v = new float[DIMENSION];
        int d = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (d == DIMENSION) {
                throw new IOException("package " + id + ": more than " + DIMENSION + " components");
            }
            v[d++] = p.getFloatValue();
        }
        if (d != DIMENSION) {
            throw new IOException("package " + id + ": " + d + " components, expected " + DIMENSION);
        }
        return v;
    }
}
