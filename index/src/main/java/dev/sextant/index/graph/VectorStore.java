package dev.sextant.index.graph;

import io.github.jbellis.jvector.graph.RandomAccessVectorValues;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The vectors of a vector space by ordinal, growable, as jvector's {@link RandomAccessVectorValues}.
 *
 * <p>Each slot holds the caller's {@code float[]} (shared, never copied; nobody may modify it) and a jvector
 * {@link VectorFloat} wrapping the same array, so that both our exact formulas and jvector's SIMD kernels read
 * it without copying. Tombstoned ordinals keep their vector until the graph is repaired, because a search
 * still scores them while routing through them.
 *
 * <p>{@link #getVector} returns the stored wrapper (not a reused buffer), so {@link #isValueShared()} is
 * false and {@link #copy()} returns this store. Reads may come from jvector's repair pool threads while the
 * owner thread is blocked in the repair; writes come from the owner thread only.
 */
public final class VectorStore implements RandomAccessVectorValues {
    private final int dimension;
    private float[][] arrays = new float[64][];
    private VectorFloat<?>[] wrapped = new VectorFloat<?>[64];
    private float[] squaredNorms = new float[64];
    private int size;

    /** @param dimension the length of every vector, ≥ 1 */
    public VectorStore(int dimension) {
        this.dimension = dimension;
    }

    /** Stores {@code vector} (length {@link #dimension()}) at {@code ordinal}, replacing what was there. */
    public void set(int ordinal, float[] vector) {
        if (vector.length != dimension) {
            throw new IllegalArgumentException("vector has dimension " + vector.length + ", expected " + dimension);
        }
        if (ordinal >= arrays.length) {
            int capacity = Math.max(ordinal + 1, arrays.length * 2);
            arrays = Arrays.copyOf(arrays, capacity);
            wrapped = Arrays.copyOf(wrapped, capacity);
            squaredNorms = Arrays.copyOf(squaredNorms, capacity);
        }
        arrays[ordinal] = vector;
        wrapped[ordinal] = Vectorization.types().createFloatVector(vector);
        squaredNorms[ordinal] = squaredNorm(vector);
        size = Math.max(size, ordinal + 1);
    }

    /** Drops the vector at {@code ordinal} (the slot may be set again later). */
    public void clear(int ordinal) {
        if (ordinal < size) {
            arrays[ordinal] = null;
            wrapped[ordinal] = null;
            squaredNorms[ordinal] = 0f;
        }
    }

    /** The squared L2 norm of the vector at {@code ordinal} (0 for an empty slot). */
    public float squaredNorm(int ordinal) {
        return ordinal < size ? squaredNorms[ordinal] : 0f;
    }

    /** Σ vᵢ², in double to keep the norm of long vectors accurate. */
    public static float squaredNorm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return (float) s;
    }

    /** The stored array at {@code ordinal}, or {@code null}. */
    public float[] array(int ordinal) {
        return ordinal < size ? arrays[ordinal] : null;
    }

    /** One past the largest ordinal ever set (jvector's "size" of a sparse store). */
    @Override
    public int size() {
        return size;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    /** The stored wrapper at {@code ordinal}, or {@code null} when the slot is empty. */
    @Override
    public VectorFloat<?> getVector(int ordinal) {
        return ordinal < size ? wrapped[ordinal] : null;
    }

    @Override
    public boolean isValueShared() {
        return false;
    }

    @Override
    public RandomAccessVectorValues copy() {
        return this;
    }

    /** Writes the vector at {@code ordinal} as {@link #dimension()} big-endian floats. */
    public void writeVector(int ordinal, DataOutput out) throws IOException {
        // one write per vector, not four per component: a 49k × 384-d snapshot is 19M components
        ByteBuffer bytes = ByteBuffer.allocate(dimension * Float.BYTES);
        bytes.asFloatBuffer().put(arrays[ordinal]);
        out.write(bytes.array());
    }

    /** Reads {@link #dimension()} floats into a new array stored at {@code ordinal}. */
    public void readVector(int ordinal, DataInput in) throws IOException {
        float[] v = new float[dimension];
        byte[] bytes = new byte[dimension * Float.BYTES];
        in.readFully(bytes);
        ByteBuffer.wrap(bytes).asFloatBuffer().get(v);
        set(ordinal, v);
    }
}
