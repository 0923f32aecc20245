package dev.sparsetrain.studies.vbpr;

import dev.sparsetrain.metrics.report.Csv;
import dev.sparsetrain.metrics.report.SvgChart;
import dev.sparsetrain.models.vbpr.LrFinder;
import java.util.List;

/**
 * The files of {@code lr-find}: the curves of {@link LrFinder#run} as a CSV (one row per group
 * and step) and as an SVG chart of the smoothed loss against the learning rate (log x). The
 * computation stays with the trainer in models; this is its report.
 */
public final class LrFinderReport {

    private LrFinderReport() {}

    /** Columns group, step, learning_rate, loss, smoothed_loss. */
    public static Csv csv(List<LrFinder.Curve> curves) {
        Csv c = new Csv("group", "step", "learning_rate", "loss", "smoothed_loss");
        for (LrFinder.Curve cu : curves) {
            for (int s = 0; s < cu.lr().length; s++) c.row(cu.group(), s, cu.lr()[s], cu.loss()[s], cu.smoothed()[s]);
        }
        return c;
    }

    /** One series per group, up to its first non-finite smoothed loss; groups with fewer than 2 points are left out. */
    public static SvgChart chart(List<LrFinder.Curve> curves, String title) {
        SvgChart ch = new SvgChart(title, "learning rate (log)", "smoothed BPR loss").logX(true);
        for (LrFinder.Curve cu : curves) {
            int n = 0;
            while (n < cu.smoothed().length && Double.isFinite(cu.smoothed()[n])) n++;
            if (n < 2) continue;
            ch.series(cu.group(), java.util.Arrays.copyOf(cu.lr(), n), java.util.Arrays.copyOf(cu.smoothed(), n));
            if (Double.isFinite(cu.suggested()) && cu.suggested() > 0) {
                ch.markOnSeries(cu.group(), cu.suggested(), String.format(java.util.Locale.ROOT, "suggested %.2g", cu.suggested()));
            }
        }
        return ch;
    }
}
