package dev.sextant.index.search;

import dev.sextant.index.CollectionConfig;
import dev.sextant.index.IndexOptions;
import dev.sextant.index.Point;
import dev.sextant.index.PointId;
import dev.sextant.index.VectorParams;
import dev.sextant.index.filter.KeywordIndex;
import dev.sextant.index.query.ResolvedQuery;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;

/**
 * One collection's points in one partition: the points with their payloads, and one {@link VectorSpace}
 * per named vector. Answers a {@link ResolvedQuery} with this partition's best {@code offset + limit}
 * results in final order (README §3.2 "Pipeline" steps 1–3; the merge does steps 4–5).
 *
 * <p>Not thread-safe: one Flink subtask thread owns an instance (writes and searches are serialised by
 * the mailbox). Stored points are shared, not copied; callers must not modify them.
 */
public final class CollectionIndex implements PendingLinks {
    private final CollectionConfig config;
    private final IndexOptions options;
    private final Map<PointId, Point> points = new HashMap<>();
    private final Map<String, VectorSpace> spaces = new LinkedHashMap<>();
    /** Calls of {@link #linkPending} so far (which space the next one starts at). */
    private int linkTurn;
    /** Narrows filtered searches to the points a {@code must} match admits (not persisted: rebuilt on use). */
    private final KeywordIndex keywords = new KeywordIndex();

    /**
     * @param config the collection's vector spaces
     * @param options index tuning (exact-scan size, graph parameters, default ef)
     */
    public CollectionIndex(CollectionConfig config, IndexOptions options) {
        this.config = config;
        this.options = options;
        config.vectors().forEach((name, params) -> spaces.put(name, new VectorSpace(params, options)));
    }

    private CollectionIndex(CollectionConfig config, IndexOptions options, Map<String, VectorSpace> restored) {
        this.config = config;
        this.options = options;
        spaces.putAll(restored);
    }

    public CollectionConfig config() {
        return config;
    }

    /**
     * Inserts or replaces a point (Qdrant's upsert: the new version replaces every vector and the payload).
     *
     * @param point a point validated by {@link dev.sextant.index.Points#fromJson} for this collection
     *     (vector names exist, dimensions match, Cosine vectors normalised)
     * @throws IllegalArgumentException when a vector name or dimension does not fit the collection
     */
    public void upsert(Point point) {
        checkFits(point);
        Point old = points.put(point.id(), point);
        keywords.replace(old, point);
        spaces.forEach((name, space) -> {
            float[] v = point.vectors().get(name);
            if (v != null) {
                space.put(point.id(), v);
            } else if (old != null && old.vectors().containsKey(name)) {
                space.remove(point.id());
            }
        });
    }

    private void checkFits(Point point) {
        point.vectors().forEach((name, v) -> {
            VectorParams params = config.vectors().get(name);
            if (params == null || params.size() != v.length) {
                throw new IllegalArgumentException("point " + point.id() + ": vector \"" + name
                        + "\" does not fit the collection " + config);
            }
        });
    }

    /** Deletes a point; returns false when it was not there. */
    public boolean delete(PointId id) {
        Point old = points.remove(id);
        if (old == null) {
            return false;
        }
        keywords.remove(old);
        old.vectors().keySet().forEach(name -> spaces.get(name).remove(id));
        return true;
    }

    /** The stored point, or {@code null}. */
    public Point get(PointId id) {
        return points.get(id);
    }

    /** Number of points in this partition. */
    public int size() {
        return points.size();
    }

    /** The vector space of a name ({@link CollectionConfig#UNNAMED} for the unnamed one), or {@code null}. */
    public VectorSpace space(String name) {
        return spaces.get(name);
    }

    /**
     * Vector changes since this index was created or restored, summed over its spaces
     * ({@link VectorSpace#changes()}): how far a {@link #snapshot()} taken at an earlier count lags behind.
     * Payload-only updates do not count (the snapshot holds no payloads).
     */
    public long changes() {
        long n = 0;
        for (VectorSpace space : spaces.values()) {
            n += space.changes();
        }
        return n;
    }

    /** Vectors not yet linked into their graphs, summed over the vector spaces ({@link VectorSpace#pending()}). */
    @Override
    public int pending() {
        int n = 0;
        for (VectorSpace space : spaces.values()) {
            n += space.pending();
        }
        return n;
    }

    /**
     * Links pending vectors of the vector spaces, starting at the space after the one the previous call started
     * at, until none is left or {@code budgetNanos} have passed ({@link VectorSpace#linkPending}).
     *
     * @param budgetNanos the time to spend, ns
     * @return the vectors still pending over all spaces
     */
    @Override
    public int linkPending(long budgetNanos) {
        // each call starts at the next named vector, so one vector's backlog cannot take every call's budget
        return (int) PendingLinks.linkInTurn(new ArrayList<>(spaces.values()), linkTurn++, budgetNanos);
    }

    /** Whether any vector space has a repair due ({@link VectorSpace#repairDue()}). */
    public boolean repairDue() {
        return spaces.values().stream().anyMatch(VectorSpace::repairDue);
    }

    /**
     * Repairs the due vector space with the most tombstones (one: a repair takes seconds on a large graph, and
     * the owner's thread serves records and requests in between).
     *
     * @return whether a space was repaired
     */
    public boolean repairNext() {
        VectorSpace worst = null;
        for (VectorSpace space : spaces.values()) {
            if (space.repairDue() && (worst == null || space.stats().tombstones() > worst.stats().tombstones())) {
                worst = space;
            }
        }
        if (worst == null) {
            return false;
        }
        worst.repair();
        return true;
    }

    /** Every stored point, unmodifiable, in no particular order. */
    public Iterable<Point> points() {
        return Collections.unmodifiableCollection(points.values());
    }

    /**
     * This partition's best {@code offset + limit} results in final order ({@link ResultOrder}), after
     * exclusion, filter and the strict threshold; {@code offset} is not skipped here (see
     * {@link ResultMerge}).
     *
     * <ol>
     *   <li>Without a query: every accepted point in id order, score 0.</li>
     *   <li>Otherwise the {@code using} space is searched by a {@link SearchPlan}: an exact scan of the
     *       accepted points, or graph candidates rescored exactly.</li>
     *   <li>Each result gets its payload and vectors per {@code with_payload} / {@code with_vector}.</li>
     * </ol>
     */
    public List<ScoredPoint> search(ResolvedQuery q) {
        int k = (int) Math.min(Integer.MAX_VALUE, (long) q.offset() + q.limit());
        List<ScoredPoint> hits;
        Set<PointId> candidates = q.filter() == null ? null : keywords.candidates(q.filter(), points.values());
        if (q.query() == null) {
            TopK top = new TopK(k, false);
            for (Point p : candidates == null ? points.values() : candidatePoints(candidates)) {
                if (q.accepts(p)) {
                    top.offer(p.id(), 0.0f);
                }
            }
            hits = top.sorted();
        } else {
            VectorSpace space = spaces.get(q.using());
            if (space == null || space.size() == 0) {
                return List.of();
            }
            hits = new SearchPlan(q, space, points, candidates, options, k).run();
        }
        List<ScoredPoint> out = new ArrayList<>(hits.size());
        for (ScoredPoint h : hits) {
            Point p = points.get(h.id());
            out.add(new ScoredPoint(h.id(), h.score(), q.withPayload().select(p.payload()),
                    q.withVector().select(p.vectors(), config.named())));
        }
        return out;
    }

    private List<Point> candidatePoints(Set<PointId> candidates) {
        List<Point> out = new ArrayList<>(candidates.size());
        for (PointId id : candidates) {
            out.add(points.get(id));
        }
        return out;
    }

    // ---- persistence -------------------------------------------------------------------------------

    private static final int MAGIC = 0x53584349; // "SXCI"
    private static final int VERSION = 1;

    /**
     * The collection's vector spaces as bytes ({@link VectorSpace#snapshot()} per named vector: point ids,
     * tombstones, vectors, jvector's graph), followed by a CRC-32 of everything before it. Payloads are not
     * included: {@link #restore} takes the points from the caller. Runs on the owner thread; linear in the size
     * (about 1.5 KB per 384-d point plus 270–400 B per graph node).
     */
    public byte[] snapshot() {
        try {
            Map<String, byte[]> parts = new LinkedHashMap<>();
            long size = 3 * Integer.BYTES + Long.BYTES;
            for (Map.Entry<String, VectorSpace> e : spaces.entrySet()) {
                byte[] space = e.getValue().snapshot();
                parts.put(e.getKey(), space);
                size += 2 + 3L * e.getKey().length() + Integer.BYTES + space.length;
            }
            // sized up front: a blob is tens of MB, and growing the buffer by doubling copied it about twice over
            ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 16, size));
            CRC32 crc = new CRC32();
            try (DataOutputStream out = new DataOutputStream(new CheckedOutputStream(bytes, crc))) {
                out.writeInt(MAGIC);
                out.writeInt(VERSION);
                out.writeInt(parts.size());
                for (Map.Entry<String, byte[]> e : parts.entrySet()) {
                    out.writeUTF(e.getKey());
                    out.writeInt(e.getValue().length);
                    out.write(e.getValue());
                }
                out.flush();
                // the checksum itself is outside the checked stream
                new DataOutputStream(bytes).writeLong(crc.getValue());
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * An index from a {@link #snapshot()} of the collection and its current points. The graphs are loaded, not
     * rebuilt; then each space is reconciled with {@code points}: a point whose vector equals the snapshot's
     * only shares its array with the space (no graph change), a point that is new or has another vector is put
     * (linked into the graph), and a point of the snapshot that is not in {@code points} is removed
     * (tombstoned). So the snapshot may be older than the points: the changes since it are applied, and
     * counted in {@link #changes()}. A graph the snapshot lacks or that cannot be used is rebuilt by
     * {@link VectorSpace#restore}.
     *
     * @param config the collection's config; its vector names, dimensions and metrics must be the snapshot's
     * @param options the options to continue with
     * @param snapshot bytes from {@link #snapshot()}
     * @param points every current point of the collection in this partition, as {@link #upsert} takes them
     * @throws IllegalArgumentException when the bytes are corrupt (checksum), of another format version or
     *     another config, or a point does not fit the config; the caller then builds the index from the points
     */
    public static CollectionIndex restore(CollectionConfig config, IndexOptions options, byte[] snapshot,
            Iterable<Point> points) {
        if (snapshot.length < Long.BYTES) {
            throw new IllegalArgumentException("truncated collection snapshot");
        }
        CRC32 crc = new CRC32();
        crc.update(snapshot, 0, snapshot.length - Long.BYTES);
        if (crc.getValue() != ByteBuffer.wrap(snapshot, snapshot.length - Long.BYTES, Long.BYTES).getLong()) {
            throw new IllegalArgumentException("corrupt collection snapshot (checksum mismatch)");
        }
        Map<String, VectorSpace> spaces = new LinkedHashMap<>();
        try (DataInputStream in = new DataInputStream(
                new ByteArrayInputStream(snapshot, 0, snapshot.length - Long.BYTES))) {
            if (in.readInt() != MAGIC) {
                throw new IllegalArgumentException("not a collection snapshot");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new IllegalArgumentException("unsupported collection snapshot version " + version);
            }
            int n = in.readInt();
            if (n != config.vectors().size()) {
                throw new IllegalArgumentException("snapshot has " + n + " vector spaces, the collection "
                        + config.vectors().size());
            }
            for (int i = 0; i < n; i++) {
                String name = in.readUTF();
                VectorParams params = config.vectors().get(name);
                if (params == null) {
                    throw new IllegalArgumentException("snapshot has vector \"" + name + "\" the collection lacks");
                }
                byte[] space = new byte[in.readInt()];
                in.readFully(space);
                spaces.put(name, VectorSpace.restore(params, options, space));
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt collection snapshot: " + e.getMessage(), e);
        }
        // the config's order, as the constructor has it
        Map<String, VectorSpace> ordered = new LinkedHashMap<>();
        config.vectors().keySet().forEach(name -> ordered.put(name, spaces.get(name)));
        CollectionIndex index = new CollectionIndex(config, options, ordered);
        for (Point p : points) {
            index.checkFits(p);
            index.points.put(p.id(), p);
            index.spaces.forEach((name, space) -> {
                float[] v = p.vectors().get(name);
                if (v != null) {
                    space.put(p.id(), v);
                } else {
                    space.remove(p.id());
                }
            });
        }
        index.spaces.values().forEach(space -> {
            List<PointId> gone = new ArrayList<>();
            space.forEach((id, v) -> {
                if (!index.points.containsKey(id)) {
                    gone.add(id);
                }
            });
            gone.forEach(space::remove);
        });
        return index;
    }
}
