package dev.sextant.bench;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The comparison's PNG plots, drawn with XChart off-screen (AWT headless). */
public final class Plots {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Plots() {}

    /** One curve of the recall/speed plot: a method's (recall@10, queries/s) points in ef order, labelled by ef. */
    public record Curve(String name, double[] recall, double[] qps) {}

    /**
     * Recall@10 (x) against queries per second (y, logarithmic), one line per method over the {@code hnsw_ef}
     * sweep; a method measured once (brute force) is a single marker.
     */
    public static void recallVsQps(Path png, String title, List<Curve> curves) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(560).title(title)
                .xAxisTitle("recall@10").yAxisTitle("queries per CPU second, 1 thread (log)").build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(LegendPosition.InsideSW);
        chart.getStyler().setMarkerSize(7);
        chart.getStyler().setXAxisDecimalPattern("0.00");
        double minRecall = 1.0;
        for (Curve c : curves) {
            XYSeries s = chart.addSeries(c.name(), c.recall(), c.qps());
            s.setLineColor(colorOf(c.name()));
            s.setMarkerColor(colorOf(c.name()));
            if (c.recall().length == 1) {
                s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
                s.setMarker(SeriesMarkers.DIAMOND);
            }
            for (double r : c.recall()) {
                minRecall = Math.min(minRecall, r);
            }
        }
        chart.getStyler().setXAxisMin(Math.max(0.0, Math.floor(minRecall * 20) / 20));
        chart.getStyler().setXAxisMax(1.0);
        save(chart, png);
    }

    /**
     * Histogram of per-query latencies, one line per method: the share of queries (y) per latency bin (x,
     * logarithmic bins from the fastest to the slowest query of all methods, 40 bins).
     */
    public static void latencyHistogram(Path png, String title, Map<String, double[]> latenciesMs) throws IOException {
        double lo = Double.MAX_VALUE;
        double hi = 0;
        for (double[] l : latenciesMs.values()) {
            for (double x : l) {
                lo = Math.min(lo, x);
                hi = Math.max(hi, x);
            }
        }
        double floor = Math.max(lo, 1e-3);
        hi = Math.max(hi, floor * 1.01);
        int bins = 40;
        double logLo = Math.log(floor);
        double step = (Math.log(hi) - logLo) / bins;
        double[] centres = new double[bins];
        for (int b = 0; b < bins; b++) {
            centres[b] = Math.exp(logLo + (b + 0.5) * step);
        }
        XYChart chart = new XYChartBuilder().width(900).height(560).title(title)
                .xAxisTitle("latency per query, ms (log bins)").yAxisTitle("share of queries").build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(LegendPosition.InsideNE);
        chart.getStyler().setMarkerSize(4);
        Map<String, double[]> shares = new LinkedHashMap<>();
        latenciesMs.forEach((name, l) -> {
            double[] share = new double[bins];
            for (double x : l) {
                int b = (int) Math.floor((Math.log(Math.max(x, floor)) - logLo) / step);
                share[Math.max(0, Math.min(bins - 1, b))] += 1.0 / l.length;
            }
            shares.put(name, share);
        });
        shares.forEach((name, share) -> {
            XYSeries s = chart.addSeries(name, centres, share);
            s.setLineColor(colorOf(name));
            s.setMarkerColor(colorOf(name));
        });
        save(chart, png);
    }

    /** The same colour for a method in every plot: Sextant blue, Lucene orange, brute force grey. */
    static Color colorOf(String seriesName) {
        if (seriesName.startsWith("Sextant")) {
            return new Color(0x1F, 0x77, 0xB4);
        }
        if (seriesName.startsWith("Lucene")) {
            return new Color(0xFF, 0x7F, 0x0E);
        }
        return new Color(0x55, 0x55, 0x55);
    }

    private static void save(XYChart chart, Path png) throws IOException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        ImageIO.write(BitmapEncoder.getBufferedImage(chart), "png", png.toFile());
    }
}
