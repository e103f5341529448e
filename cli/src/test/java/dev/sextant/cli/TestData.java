package dev.sextant.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the shipped dataset from the module directory (surefire's working directory) or the repo root. */
final class TestData {
    private TestData() {}

    static Path dataset() {
        for (Path candidate : new Path[] {DebianPackages.DEFAULT_FILE, Path.of("..").resolve(DebianPackages.DEFAULT_FILE)}) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("Dataset " + DebianPackages.DEFAULT_FILE + " not found from "
                + Path.of("").toAbsolutePath());
    }

    /** The build points java.io.tmpdir at target/tmp, which nothing else creates. */
    static void createTmpDir() throws java.io.IOException {
        Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
    }
}
