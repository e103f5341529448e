package dev.sextant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sextant.cli.DebianPackages.Package;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DebianPackagesTest {

    private static DebianPackages all;

    @BeforeAll
    static void read() throws Exception {
        all = DebianPackages.read(TestData.dataset());
    }

    @Test
    void fileHoldsEveryPackageWithA384DimensionUnitVector() {
        assertEquals(49_443, all.size());
        assertEquals(DebianPackages.SIZE, all.size());
        Set<Long> ids = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (Package p : all.packages()) {
            assertEquals(384, p.vector().length);
            double norm = 0;
            for (float x : p.vector()) {
                norm += x * x;
            }
            // data/README.md: rounded to 4 decimals, norms are 1 ± 0.001
            assertEquals(1.0, Math.sqrt(norm), 0.0011, p.name());
            ids.add(p.id());
            names.add(p.name());
        }
        assertEquals(49_443, ids.size());
        assertEquals(49_443, names.size());
        assertEquals(1L, all.packages().get(0).id());
        assertEquals(49_443L, all.packages().get(all.size() - 1).id());
    }

    @Test
    void sectionsMatchTheReadme() {
        assertEquals(338, all.packages().stream().filter(p -> p.section().equals("editors")).count());
        assertEquals(1_106, all.packages().stream().filter(p -> p.section().equals("games")).count());
    }

    @Test
    void namesResolveToIdsAndPointsKeepTheRecord() {
        Package vim = all.byName("vim");
        assertEquals("editors", vim.section());
        assertEquals(vim.id(), all.id("vim"));
        ObjectNode point = vim.toPoint(Messages.json());
        assertEquals(vim.id(), point.get("id").asLong());
        assertEquals(384, point.get("vector").size());
        assertEquals(vim.vector()[0], point.get("vector").get(0).floatValue());
        assertEquals("vim", point.get("payload").get("name").asText());
        assertThrows(IllegalArgumentException.class, () -> all.byName("no-such-package"));
    }

    @Test
    void demoQueriesResolveEveryPackageTheyName() {
        var examples = new DemoQueries(all, Demo.COLLECTION).all();
        assertEquals(6, examples.size());
        assertTrue(examples.stream().allMatch(e -> e.request().get("collection").asText().equals("debian_packages")));
        assertEquals(3, examples.get(3).request().get("body").get("searches").size());
    }
}
