package dev.sextant.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * The demo dataset {@code data/debian-packages-minilm-q.jsonl.gz} (see {@code data/README.md}): 49,443
 * Debian 12 packages, each with an integer id (1..49,443, in package-name order), a 384-dimension
 * all-MiniLM-L6-v2 embedding of its description (L2 norm 1 ± 0.001) and a payload ({@code name},
 * {@code summary}, {@code section}, {@code priority}, {@code installed_size} in KiB, {@code tags},
 * {@code source}, {@code architecture}, {@code homepage}).
 *
 * <p>Immutable once read; the payload nodes must not be modified by callers.
 */
public final class DebianPackages {

    /** The dataset file, relative to the repository root. */
    public static final Path DEFAULT_FILE = Path.of("data", "debian-packages-minilm-q.jsonl.gz");
    /** The embedding dimension. */
    public static final int DIMENSION = 384;
    /** The number of packages in the shipped file. */
    public static final int SIZE = 49_443;

    /** One package: a point of the demo collection. */
    public record Package(long id, float[] vector, ObjectNode payload) {
        public String name() {
            return payload.path("name").asText();
        }

        public String section() {
            return payload.path("section").asText();
        }

        public String summary() {
            return payload.path("summary").asText();
        }

        /** The point as Qdrant's upsert expects it: {@code {"id":…,"vector":[…],"payload":{…}}}. */
        public ObjectNode toPoint(ObjectMapper json) {
            ObjectNode point = json.createObjectNode();
            point.put("id", id);
            ArrayNode v = point.putArray("vector");
            for (float x : vector) {
                v.add(x);
            }
            point.set("payload", payload);
            return point;
        }
    }

    private final List<Package> packages;
    private final Map<String, Package> byName;
    private final Map<Long, Package> byId;

    private DebianPackages(List<Package> packages) {
        this.packages = Collections.unmodifiableList(packages);
        this.byName = new HashMap<>();
        this.byId = new HashMap<>();
        for (Package p : packages) {
            byName.put(p.name(), p);
            byId.put(p.id(), p);
        }
    }

    /** Reads every package of the file. */
    public static DebianPackages read(Path file) throws IOException {
        return read(file, p -> true);
    }

    /**
     * Reads the packages of the file that {@code keep} accepts, in file order.
     *
     * @throws IOException if the file cannot be read, or a line is not a package with a 384-dimension vector
     */
    public static DebianPackages read(Path file, Predicate<Package> keep) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Package> packages = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(file), 1 << 16), StandardCharsets.UTF_8), 1 << 16)) {
            String line;
            int lineNumber = 0;
            while ((line = in.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                Package p = parse(json, line, file, lineNumber);
                if (keep.test(p)) {
                    packages.add(p);
                }
            }
        }
        return new DebianPackages(packages);
    }

    /** Streams one line: the 384 floats are read straight from the parser, only the payload becomes a tree. */
    private static Package parse(ObjectMapper json, String line, Path file, int lineNumber) throws IOException {
        long id = -1;
        float[] vector = null;
        ObjectNode payload = null;
        try (JsonParser p = json.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw malformed(file, lineNumber);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "id" -> id = value == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
                    case "vector" -> vector = readVector(p, file, lineNumber);
                    case "payload" -> {
                        JsonNode node = json.readTree(p);
                        payload = node instanceof ObjectNode object ? object : null;
                    }
                    default -> p.skipChildren();
                }
            }
        }
        if (id < 0 || vector == null || payload == null) {
            throw malformed(file, lineNumber);
        }
        return new Package(id, vector, payload);
    }

    private static float[] readVector(JsonParser p, Path file, int lineNumber) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw malformed(file, lineNumber);
        }
        float[] v = new float[DIMENSION];
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (n == DIMENSION || (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT)) {
                throw malformed(file, lineNumber);
            }
            v[n++] = p.getFloatValue();
        }
        if (n != DIMENSION) {
            throw malformed(file, lineNumber);
        }
        return v;
    }

    private static IOException malformed(Path file, int lineNumber) {
        return new IOException(file + ":" + lineNumber + ": not a package with an id, a " + DIMENSION
                + "-dimension vector and a payload object");
    }

    /** All packages read, in file (= id) order. */
    public List<Package> packages() {
        return packages;
    }

    public int size() {
        return packages.size();
    }

    /**
     * The package called {@code name}.
     *
     * @throws IllegalArgumentException if no package read has that name
     */
    public Package byName(String name) {
        Package p = byName.get(name);
        if (p == null) {
            throw new IllegalArgumentException("No package named " + name + " in the dataset");
        }
        return p;
    }

    /** The id of the package called {@code name}; see {@link #byName}. */
    public long id(String name) {
        return byName(name).id();
    }

    /** The package with this id, or {@code null}. */
    public Package byId(long id) {
        return byId.get(id);
    }
}
