package dev.sextant.index.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Loads the conformance contract {@code /conformance/cases.json} from the classpath. */
public final class ConformanceCases {
    /** Where the cases are on the classpath (the index module's test resources, also in its test-jar). */
    public static final String RESOURCE = "/conformance/cases.json";

    private ConformanceCases() {}

    /** Every case, in file order. */
    public static List<ConformanceCase> load() {
        try (InputStream in = ConformanceCases.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath");
            }
            JsonNode all = new ObjectMapper().readTree(in);
            List<ConformanceCase> cases = new ArrayList<>(all.size());
            all.forEach(c -> cases.add(ConformanceCase.of(c)));
            return List.copyOf(cases);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
