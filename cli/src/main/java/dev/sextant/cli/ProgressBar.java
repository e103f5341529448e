package dev.sextant.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * The load progress on the terminal: a bar redrawn in place ({@code \r}) on a terminal, or a line every
 * 5 s when the output is a file or pipe.
 */
final class ProgressBar implements PointLoader.Progress {
    private static final int WIDTH = 30;

    private final PrintStream out;
    private final boolean terminal;
    private long lastLineNanos;
    private boolean drawn;

    ProgressBar(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    @Override
    public void update(long sent, long acknowledged, long total, Duration elapsed) {
        double seconds = Math.max(1e-3, elapsed.toNanos() / 1e9);
        String text = String.format(Locale.ROOT, "%s %,d / %,d points acknowledged (sent %,d)  %,.0f points/s  %.1f s",
                bar(acknowledged, total), acknowledged, total, sent, acknowledged / seconds, seconds);
        if (terminal) {
            out.print("\r  " + text + "   ");
            out.flush();
            drawn = true;
        } else if (acknowledged == total || System.nanoTime() - lastLineNanos > 5_000_000_000L) {
            out.println("  " + text);
            lastLineNanos = System.nanoTime();
        }
    }

    /** Ends the bar's line. */
    void finish() {
        if (drawn) {
            out.println();
            drawn = false;
        }
    }

    static String bar(long done, long total) {
        int filled = total == 0 ? WIDTH : (int) (WIDTH * done / total);
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < WIDTH; i++) {
            b.append(i < filled ? '=' : i == filled ? '>' : ' ');
        }
        return b.append(']').toString();
    }
}
