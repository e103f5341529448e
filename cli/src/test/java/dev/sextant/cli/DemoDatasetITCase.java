package dev.sextant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sextant.cli.DebianPackages.Package;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo's path end to end on a real broker and a MiniCluster ({@link EmbeddedStack}): the sections
 * {@code editors} and {@code games} of the real dataset (1,444 packages) are loaded with acknowledgments,
 * then real queries must return exactly what a brute-force scan over the same subset returns.
 */
class DemoDatasetITCase {

    private static final String COLLECTION = "debian_subset";
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final double SCORE_TOLERANCE = 1e-4;

    private static Path dataDir;

    private static EmbeddedStack stack;
    private static SextantClient client;
    private static DebianPackages subset;

    @BeforeAll
    static void loadSubset() throws Exception {
        TestData.createTmpDir();
        dataDir = Files.createTempDirectory("demo-dataset-it");
        Set<String> sections = Set.of("editors", "games");
        subset = DebianPackages.read(TestData.dataset(), p -> sections.contains(p.section()));
        assertEquals(338 + 1_106, subset.size());

        stack = EmbeddedStack.start(StackConfig.forTests(dataDir));
        client = stack.client();
        PointLoader loader = new PointLoader(client, 256, 4, TIMEOUT);
        loader.recreateCollection(COLLECTION, DebianPackages.DIMENSION, "Cosine");
        PointLoader.Result result = loader.load(COLLECTION, subset.packages(), (s, a, t, e) -> { });
        assertEquals(subset.size(), result.points());
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (stack != null) {
            stack.close();
        }
        if (dataDir != null) {
            try {
                SextantCli.deleteRecursively(dataDir);
            } catch (java.io.IOException e) {
                // best effort: the directory is under target/
            }
        }
    }

    @Test
    void recommendLikeVimAndNeovimButNotEmacsMatchesBruteForce() {
        ObjectNode body = Messages.json().createObjectNode();
        ObjectNode recommend = body.putObject("query").putObject("recommend");
        recommend.putArray("positive").add(subset.id("vim")).add(subset.id("neovim"));
        recommend.putArray("negative").add(subset.id("emacs"));
        body.put("limit", 10);
        body.put("with_payload", true);

        // Qdrant's average_vector (conformance README §2.2): q = 2·avg(positives) − avg(negatives), normalised.
        double[] q = new double[DebianPackages.DIMENSION];
        for (int i = 0; i < q.length; i++) {
            q[i] = 2 * (unit(subset.byName("vim"))[i] + unit(subset.byName("neovim"))[i]) / 2
                    - unit(subset.byName("emacs"))[i];
        }
        List<Scored> expected = bruteForce(normalise(q),
                p -> !Set.of("vim", "neovim", "emacs").contains(p.name()), 10);

        assertResult(expected, query(body));
    }

    @Test
    void nearestToAnIdWithASectionFilterMatchesBruteForce() {
        ObjectNode body = Messages.json().createObjectNode();
        body.putObject("query").put("nearest", subset.id("supertuxkart"));
        ObjectNode condition = body.putObject("filter").putArray("must").addObject();
        condition.put("key", "section");
        condition.putObject("match").put("value", "games");
        body.put("limit", 5);
        body.put("with_payload", true);

        List<Scored> expected = bruteForce(unit(subset.byName("supertuxkart")),
                p -> p.section().equals("games") && !p.name().equals("supertuxkart"), 5);

        assertResult(expected, query(body));
    }

    private static JsonNode query(ObjectNode body) {
        Reply reply = client.call(Messages.query(COLLECTION, body), TIMEOUT);
        return reply.body().get("result").get("points");
    }

    private record Scored(String name, long id, double score) {}

    /** Exact Cosine scores of every candidate, best first, ties by id (conformance README, D4). */
    private static List<Scored> bruteForce(double[] query, Predicate<Package> candidate, int limit) {
        List<Scored> all = new ArrayList<>();
        for (Package p : subset.packages()) {
            if (candidate.test(p)) {
                double[] v = unit(p);
                double dot = 0;
                for (int i = 0; i < v.length; i++) {
                    dot += v[i] * query[i];
                }
                all.add(new Scored(p.name(), p.id(), dot));
            }
        }
        all.sort(Comparator.comparingDouble(Scored::score).reversed().thenComparingLong(Scored::id));
        return all.subList(0, limit);
    }

    private static void assertResult(List<Scored> expected, JsonNode points) {
        List<String> expectedNames = expected.stream().map(Scored::name).toList();
        List<String> actualNames = new ArrayList<>();
        points.forEach(p -> actualNames.add(p.get("payload").get("name").asText()));
        assertEquals(expectedNames, actualNames);
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).id(), points.get(i).get("id").asLong());
            assertEquals(expected.get(i).score(), points.get(i).get("score").asDouble(), SCORE_TOLERANCE,
                    expected.get(i).name());
        }
    }

    private static double[] unit(Package p) {
        double[] v = new double[p.vector().length];
        for (int i = 0; i < v.length; i++) {
            v[i] = p.vector()[i];
        }
        return normalise(v);
    }

    private static double[] normalise(double[] v) {
        double norm = 0;
        for (double x : v) {
            norm += x * x;
        }
        norm = Math.sqrt(norm);
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] / norm;
        }
        return out;
    }
}
