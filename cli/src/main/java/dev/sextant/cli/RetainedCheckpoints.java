package dev.sextant.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The checkpoints Flink retained in the embedded mode's checkpoint directory, laid out by Flink as
 * {@code <checkpoint dir>/<job id>/chk-<n>/_metadata} (plus {@code shared/} and {@code taskowned/} per job).
 *
 * <p>A checkpoint is <em>complete</em> when its {@code _metadata} file exists: Flink writes that file last,
 * through a temporary file that it renames, after every state file of the checkpoint is durable. A
 * {@code chk-<n>} directory without it is a checkpoint that was in progress when the process stopped.
 *
 * <p>Every start of the embedded job is a new Flink job with a new id, restored in Flink's {@code NO_CLAIM}
 * mode: its first checkpoint is a full one that shares no file with the restored checkpoint. From then on the
 * other jobs' directories are obsolete, and {@link #deleteOtherJobs} removes them, so the directory holds
 * one job's few retained checkpoints ({@code execution.checkpointing.num-retained}) instead of growing with
 * every restart.
 */
final class RetainedCheckpoints {

    private static final Pattern CHECKPOINT_DIR = Pattern.compile("chk-(\\d+)");
    static final String METADATA = "_metadata";

    private RetainedCheckpoints() {}

    /**
     * A complete retained checkpoint.
     *
     * @param dir the {@code chk-<n>} directory, the path Flink restores from ({@code execution.state-recovery.path})
     * @param id the checkpoint id n
     * @param completed when its {@code _metadata} was written
     */
    record Checkpoint(Path dir, long id, Instant completed) {
        /** The directory of the job that took it ({@code <checkpoint dir>/<job id>}). */
        Path jobDir() {
            return dir.getParent();
        }

        /** The id of the Flink job that took it. */
        String jobId() {
            return jobDir().getFileName().toString();
        }
    }

    /**
     * The complete checkpoint written last (latest {@code _metadata}; ties by id), if any. Checkpoint ids go
     * on from the restored id in a restored job, so the latest is also the one with the highest id unless a
     * clock was changed.
     */
    static Optional<Checkpoint> latest(Path checkpointDir) {
        return all(checkpointDir).stream()
                .max(Comparator.comparing(Checkpoint::completed).thenComparingLong(Checkpoint::id));
    }

    /** Every complete checkpoint under {@code checkpointDir} (none if it does not exist). */
    static List<Checkpoint> all(Path checkpointDir) {
        List<Checkpoint> found = new ArrayList<>();
        if (!Files.isDirectory(checkpointDir)) {
            return found;
        }
        try (Stream<Path> jobs = Files.list(checkpointDir)) {
            for (Path job : jobs.filter(Files::isDirectory).toList()) {
                found.addAll(ofJob(job));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the checkpoints in " + checkpointDir, e);
        }
        return found;
    }

    /** The complete checkpoints in one job's directory ({@code <checkpoint dir>/<job id>}). */
    static List<Checkpoint> ofJob(Path jobDir) {
        List<Checkpoint> found = new ArrayList<>();
        if (!Files.isDirectory(jobDir)) {
            return found;
        }
        try (Stream<Path> dirs = Files.list(jobDir)) {
            for (Path dir : dirs.toList()) {
                Matcher m = CHECKPOINT_DIR.matcher(dir.getFileName().toString());
                Path metadata = dir.resolve(METADATA);
                if (m.matches() && Files.isRegularFile(metadata)) {
                    try {
                        found.add(new Checkpoint(dir, Long.parseLong(m.group(1)),
                                Files.getLastModifiedTime(metadata).toInstant()));
                    } catch (IOException e) {
                        // deleted meanwhile (Flink dropped a subsumed checkpoint): not retained
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the checkpoints in " + jobDir, e);
        }
        return found;
    }

    /**
     * Deletes the directories of every job under {@code checkpointDir} except {@code keepJobId}. Call it only
     * once that job has a complete checkpoint of its own (which, restored in {@code NO_CLAIM} mode, needs no
     * file of another job). The {@code _metadata} files go first, so a directory that is only partly deleted
     * (the process stopped meanwhile) never looks like a complete checkpoint.
     *
     * @return the deleted job directories
     */
    static List<Path> deleteOtherJobs(Path checkpointDir, String keepJobId) throws IOException {
        List<Path> deleted = new ArrayList<>();
        if (!Files.isDirectory(checkpointDir)) {
            return deleted;
        }
        List<Path> others;
        try (Stream<Path> jobs = Files.list(checkpointDir)) {
            others = jobs.filter(p -> !p.getFileName().toString().equals(keepJobId)).toList();
        }
        for (Path job : others) {
            if (Files.isDirectory(job)) {
                for (Checkpoint c : ofJob(job)) {
                    Files.deleteIfExists(c.dir().resolve(METADATA));
                }
            }
            deleteRecursively(job);
            deleted.add(job);
        }
        return deleted;
    }

    /** Deletes {@code path} and everything under it; nothing if it does not exist. */
    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(path)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
