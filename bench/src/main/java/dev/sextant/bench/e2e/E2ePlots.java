package dev.sextant.bench.e2e;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler.LegendPosition;

/** The end-to-end run's PNG plots, drawn with XChart off-screen (AWT headless). */
final class E2ePlots {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private static final int BINS = 40;

    private E2ePlots() {}

    /**
     * Share of requests (y) per latency bin (x, 40 logarithmic bins spanning every kind's fastest to slowest request),
     * one line per kind.
     */
    static void latencyHistogram(Path png, String title, Map<String, Latency> latencies) throws IOException {
        double lo = Double.MAX_VALUE;
        double hi = 0;
        for (Latency l : latencies.values()) {
            if (l.count() > 0) {
                lo = Math.min(lo, l.histogram().getMinValue() / 1000.0);
                hi = Math.max(hi, l.histogram().getMaxValue() / 1000.0);
            }
        }
        if (hi == 0) {
            return; // nothing measured
        }
        lo = Math.max(lo, 0.01);
        hi = Math.max(hi * 1.01, lo * 1.1);
        XYChart chart = new XYChartBuilder().width(900).height(560).title(title)
                .xAxisTitle("latency per request, ms (log bins)").yAxisTitle("share of requests").build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(LegendPosition.InsideNE);
        chart.getStyler().setMarkerSize(4);
        for (Map.Entry<String, Latency> e : latencies.entrySet()) {
            if (e.getValue().count() > 0) {
                double[][] bins = e.getValue().logBins(lo, hi, BINS);
                chart.addSeries(e.getKey(), bins[0], bins[1]);
            }
        }
        save(chart, png);
    }

    /** p50 and p99 (ms) per minute of the soak. */
    static void soak(Path png, String title, List<Latency.Summary> minutes) throws IOException {
        double[] x = new double[minutes.size()];
        double[] p50 = new double[minutes.size()];
        double[] p99 = new double[minutes.size()];
        for (int i = 0; i < minutes.size(); i++) {
            x[i] = i + 1;
            p50[i] = orZero(minutes.get(i).p50Ms());
            p99[i] = orZero(minutes.get(i).p99Ms());
        }
        XYChart chart = new XYChartBuilder().width(900).height(480).title(title).xAxisTitle("minute")
                .yAxisTitle("latency, ms").build();
        chart.getStyler().setLegendPosition(LegendPosition.InsideNE);
        chart.getStyler().setYAxisMin(0.0);
        chart.addSeries("p99", x, p99);
        chart.addSeries("p50", x, p50);
        save(chart, png);
    }

    private static double orZero(double d) {
        return Double.isNaN(d) ? 0 : d;
    }

    private static void save(XYChart chart, Path png) throws IOException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        try (OutputStream out = Files.newOutputStream(png)) {
            BitmapEncoder.saveBitmap(chart, out, BitmapFormat.PNG);
        }
    }
}
