package dev.sextant.bench;

import dev.sextant.index.Distance;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field.Store;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * The peer index: Apache Lucene 9.12's HNSW ({@link Lucene99HnswVectorsFormat}) through the API a Java user would
 * take: an {@link IndexWriter} with one {@link KnnFloatVectorField} per document, then an {@link IndexSearcher}
 * running {@link KnnFloatVectorQuery}. Built in one segment (a RAM buffer large enough for a single flush, no
 * merges), so there is exactly one graph, built incrementally while documents are added on the calling thread,
 * as Sextant's is; the directory is memory-mapped ({@link FSDirectory#open}) under {@code target/}.
 *
 * <p>Shape: {@code maxConn} is HNSW's m; Lucene's base layer allows 2·m neighbours, so m = 16 gives the base-layer
 * degree 32 of jvector's M = 32 (jvector's M bounds every layer). {@code beamWidth} is efConstruction. A search's
 * beam (HNSW ef) is the query's k: a search with ef asks for {@code k = max(ef, wanted)} hits and keeps the best.
 * Cosine data is indexed with {@link VectorSimilarityFunction#DOT_PRODUCT} (the vectors are unit length; Lucene
 * recommends it over COSINE, which recomputes norms), as Sextant scores Cosine by dot products of normalised
 * vectors. Document i is the dataset's position i (checked after the build).
 */
public final class LuceneHnsw implements Closeable {
    static final String FIELD = "v";

    private final Directory directory;
    private final DirectoryReader reader;
    private final IndexSearcher searcher;
    private final Query filter;
    private final double buildSeconds;

    /**
     * Builds the index of {@code dataset} in {@code dir} (emptied first) and opens a searcher on it.
     *
     * @param maxConn HNSW m (Lucene's maxConn), 2 … 512
     * @param beamWidth efConstruction, 1 … 3200
     */
    public LuceneHnsw(Path dir, Dataset dataset, int maxConn, int beamWidth) throws IOException {
        if (dataset.distance() != Distance.COSINE && dataset.distance() != Distance.DOT) {
            throw new IllegalArgumentException("the comparison covers Cosine and Dot datasets only");
        }
        deleteRecursively(dir);
        Files.createDirectories(dir);
        directory = FSDirectory.open(dir);
        KnnVectorsFormat format = new Lucene99HnswVectorsFormat(maxConn, beamWidth);
        IndexWriterConfig config = new IndexWriterConfig()
                .setCodec(new Lucene912Codec() {
                    @Override
                    public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                        return format;
                    }
                })
                .setRAMBufferSizeMB(1900)
                .setRAMPerThreadHardLimitMB(1945)
                .setMaxBufferedDocs(IndexWriterConfig.DISABLE_AUTO_FLUSH)
                .setMergePolicy(NoMergePolicy.INSTANCE)
                .setUseCompoundFile(false);
        long start = System.nanoTime();
        try (IndexWriter writer = new IndexWriter(directory, config)) {
            for (int i = 0; i < dataset.size(); i++) {
                Document doc = new Document();
                doc.add(new KnnFloatVectorField(FIELD, dataset.vectors()[i], VectorSimilarityFunction.DOT_PRODUCT));
                doc.add(new StringField(dataset.filterKey(), dataset.payloads()[i].path(dataset.filterKey()).asText(""),
                        Store.NO));
                writer.addDocument(doc);
            }
            writer.commit();
        }
        buildSeconds = (System.nanoTime() - start) / 1e9;
        reader = DirectoryReader.open(directory);
        if (reader.leaves().size() != 1 || reader.maxDoc() != dataset.size()) {
            throw new IllegalStateException("expected one segment of " + dataset.size() + " documents, got "
                    + reader.leaves().size() + " segments, " + reader.maxDoc() + " documents");
        }
        searcher = new IndexSearcher(reader); // no executor: single-threaded searches
        filter = new TermQuery(new Term(dataset.filterKey(), dataset.filterValue()));
    }

    /** Wall time of the build: adding every document (graph inserts) and the commit (one flush). */
    public double buildSeconds() {
        return buildSeconds;
    }

    /**
     * The best {@code k} hits of a search with beam {@code ef}, best first.
     *
     * @param filtered whether to restrict the search to the dataset's selective filter (Lucene's filtered HNSW
     *     search, which falls back to an exact search of the filter's documents when that is cheaper)
     * @return dataset positions (document ids)
     */
    public int[] search(float[] query, int k, int ef, boolean filtered) {
        int beam = Math.max(ef, k);
        try {
            ScoreDoc[] hits = searcher.search(new KnnFloatVectorQuery(FIELD, query, beam, filtered ? filter : null),
                    k).scoreDocs;
            int[] out = new int[hits.length];
            for (int i = 0; i < hits.length; i++) {
                out[i] = hits[i].doc;
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        reader.close();
        directory.close();
    }

    /**
     * The simple class name of Lucene's vectorization provider ({@code PanamaVectorizationProvider} or
     * {@code DefaultVectorizationProvider}), read reflectively because Lucene restricts
     * {@code VectorizationProvider.getInstance()} to its own callers; "unknown" if that fails.
     */
    public static String vectorizationProvider() {
        try {
            Class<?> holder = Class.forName("org.apache.lucene.internal.vectorization.VectorizationProvider$Holder");
            Field instance = holder.getDeclaredField("INSTANCE");
            instance.setAccessible(true);
            return instance.get(null).getClass().getSimpleName();
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return "unknown (" + e + ")";
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
