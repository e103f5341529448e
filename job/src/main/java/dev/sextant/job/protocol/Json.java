package dev.sextant.job.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.io.UncheckedIOException;

/**
 * The one Jackson mapper of the job (thread-safe once configured) and the few conversions every stage needs.
 *
 * <p>Reading allows documents up to the largest Kafka message (Jackson's default string-length limit of 20 MB
 * is raised to match); nesting is capped at 128 levels, the limit of the JSON parser Qdrant uses (serde_json),
 * so a hostile document cannot exhaust the stack of the recursive filter and payload code.
 */
public final class Json {
    private Json() {}

    /** Deepest nesting of arrays and objects accepted in input. */
    public static final int MAX_NESTING_DEPTH = 128;

    public static final ObjectMapper MAPPER = createMapper();

    private static ObjectMapper createMapper() {
        ObjectMapper m = new ObjectMapper();
        // "{...} garbage" is not one JSON document.
        m.enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        m.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxStringLength(Integer.MAX_VALUE)
                .maxNestingDepth(MAX_NESTING_DEPTH)
                .build());
        return m;
    }

    /**
     * Parses JSON text, which must be well-formed UTF-8 (RFC 8259 §8.1): Jackson alone decodes some malformed
     * sequences, such as the overlong {@code C0 AF} for "/", where Qdrant's parser refuses them.
     *
     * @throws IOException when the text is not UTF-8 or not one JSON value
     */
    public static JsonNode read(byte[] bytes) throws IOException {
        checkUtf8(bytes);
        JsonNode node = MAPPER.readTree(bytes);
        if (node == null || node.isMissingNode()) {
            throw new IOException("empty document");
        }
        return node;
    }

    /**
     * Checks that {@code bytes} are well-formed UTF-8 with the JDK's strict decoder (no overlong forms, no
     * surrogates, no bytes above F4), in chunks so that a 16 MB message needs no second copy.
     *
     * @throws IOException naming the offset of the first malformed byte
     */
    static void checkUtf8(byte[] bytes) throws IOException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(Math.min(bytes.length + 1, 8192));
        while (true) {
            CoderResult r = decoder.decode(in, out, true);
            if (r.isError()) {
                throw new IOException("invalid UTF-8 at byte " + in.position());
            }
            if (r.isUnderflow()) {
                return;
            }
            out.clear();
        }
    }

    /** Parses JSON text that this job wrote itself (a bug, not bad input, if it fails). */
    public static JsonNode readTrusted(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@link #readTrusted} for an object. */
    public static ObjectNode parseObject(String json) {
        return (ObjectNode) readTrusted(json);
    }

    /** The parser's own words for why text is not JSON, without Jackson's source excerpt. */
    public static String describe(IOException e) {
        String m = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
