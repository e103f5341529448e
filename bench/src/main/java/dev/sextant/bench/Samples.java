package dev.sextant.bench;

import java.util.Arrays;

/** Order statistics of measurements (medians of repeated runs, latency percentiles). Pure functions. */
public final class Samples {
    private Samples() {}

    /** The median (mean of the two middle values for an even count); NaN for none. */
    public static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] s = values.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }

    /**
     * The {@code p}-th percentile by the nearest-rank method (the smallest value with at least p % of the values
     * at or below it); NaN for none.
     *
     * @param p in (0, 100]
     */
    public static double percentile(double[] values, double p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] s = values.clone();
        Arrays.sort(s);
        int rank = (int) Math.ceil(p / 100.0 * s.length);
        return s[Math.max(0, Math.min(s.length - 1, rank - 1))];
    }
}
