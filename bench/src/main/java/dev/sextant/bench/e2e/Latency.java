package dev.sextant.bench.e2e;

import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.HdrHistogram.SynchronizedHistogram;

/**
 * Latencies of one measurement in an HdrHistogram (µs resolution, 3 significant digits, up to 10 minutes), and the
 * count of failed requests. Thread-safe: replies complete on the client's consumer thread, sends on the driver's.
 */
public final class Latency {
    private static final long MAX_MICROS = 600_000_000L;

    private final Histogram histogram = new SynchronizedHistogram(1, MAX_MICROS, 3);
    private final AtomicLong errors = new AtomicLong();

    /** Records one successful request that took {@code nanos}. */
    public void record(long nanos) {
        histogram.recordValue(Math.max(1, Math.min(MAX_MICROS, nanos / 1_000)));
    }

    /** Counts one request answered with an error, or not answered in time. */
    public void error() {
        errors.incrementAndGet();
    }

    public long count() {
        return histogram.getTotalCount();
    }

    public long errors() {
        return errors.get();
    }

    /** The {@code p}-th percentile, ms (NaN when empty). */
    public double percentileMs(double p) {
        return count() == 0 ? Double.NaN : histogram.getValueAtPercentile(p) / 1_000.0;
    }

    /** A copy of the histogram (µs), e.g. for a plot or an {@code .hgrm} file. */
    public Histogram histogram() {
        return histogram.copy();
    }

    /**
     * The share of requests per logarithmic latency bin, for a plot.
     *
     * @return {@code [centres in ms, shares]}, {@code bins} long each
     */
    public double[][] logBins(double loMs, double hiMs, int bins) {
        double logLo = Math.log(loMs);
        double step = (Math.log(hiMs) - logLo) / bins;
        double[] centres = new double[bins];
        double[] shares = new double[bins];
        for (int b = 0; b < bins; b++) {
            centres[b] = Math.exp(logLo + (b + 0.5) * step);
        }
        Histogram h = histogram();
        long total = h.getTotalCount();
        for (HistogramIterationValue v : h.recordedValues()) {
            double ms = h.medianEquivalentValue(v.getValueIteratedTo()) / 1_000.0;
            int b = (int) Math.floor((Math.log(Math.max(ms, loMs)) - logLo) / step);
            shares[Math.max(0, Math.min(bins - 1, b))] += v.getCountAtValueIteratedTo() / (double) Math.max(1, total);
        }
        return new double[][] {centres, shares};
    }

    /** The summary written to the results. */
    public Summary summary() {
        Histogram h = histogram();
        if (h.getTotalCount() == 0) {
            return new Summary(0, errors(), Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        return new Summary(h.getTotalCount(), errors(), h.getMean() / 1_000.0, h.getValueAtPercentile(50) / 1_000.0,
                h.getValueAtPercentile(90) / 1_000.0, h.getValueAtPercentile(99) / 1_000.0,
                h.getValueAtPercentile(99.9) / 1_000.0, h.getMaxValue() / 1_000.0);
    }

    /**
     * Latency percentiles, ms.
     *
     * @param count successful requests measured
     * @param errors error replies and requests without a reply in time
     */
    public record Summary(long count, long errors, double meanMs, double p50Ms, double p90Ms, double p99Ms,
            double p999Ms, double maxMs) {}
}
