package dev.sextant.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * Optional Java Flight Recorder recordings of the comparison's phases (a build, the nearest sweep, the query kinds),
 * one file per phase, with JFR's {@code profile} settings (method sampling every 10–20 ms, allocation and lock
 * events), so that a profile shows one phase's hot spots only. Read them with {@code jfr view hot-methods FILE}
 * (JDK 21+'s {@code jfr} tool reads Java 17 recordings too).
 */
final class PhaseRecorder {
    /** A running phase; closing it stops the recording and writes the file. */
    interface Phase extends AutoCloseable {
        @Override
        void close();
    }

    private final Path dir;

    /** @param dir where recordings go, or {@code null} to record nothing */
    PhaseRecorder(Path dir) {
        this.dir = dir;
    }

    /** Starts recording {@code name} ({@code <dir>/<name>.jfr}); a no-op without a directory. */
    Phase start(String name) {
        if (dir == null) {
            return () -> {};
        }
        try {
            Files.createDirectories(dir);
            Recording recording = new Recording(Configuration.getConfiguration("profile"));
            recording.setName(name);
            recording.start();
            return () -> {
                try {
                    recording.stop();
                    recording.dump(dir.resolve(name + ".jfr"));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } finally {
                    recording.close();
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ParseException e) {
            throw new IllegalStateException("JFR's profile settings cannot be read", e);
        }
    }
}
