package dev.sparsetrain.cli.train;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.io.AtomicFile;
import dev.sparsetrain.core.io.OutputPaths;
import dev.sparsetrain.metrics.ctr.CtrEvaluation;
import dev.sparsetrain.metrics.ctr.Strata;
import dev.sparsetrain.metrics.report.HtmlReport;
import dev.sparsetrain.metrics.report.SvgChart;
import dev.sparsetrain.models.train.Trainer;
import dev.sparsetrain.models.vbpr.VbprTrainer;
import dev.sparsetrain.optim.GroupDiagnostics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The record of one training run beside the model: {@code --history FILE.csv} (one row per epoch
 * or pass, every figure the run measured, for your own plots) and {@code --report FILE.html} (a
 * self-contained page with the learning curves and, where the run records them, the per-group
 * optimizer figures). Shared by {@code train} (BPR-MF, VBPR, visual-only) and {@code ctr-train};
 * both files are written atomically after training, and their paths are checked before it.
 */
final class RunRecord {
    private RunRecord() {}

    /** The two options, mixed into the training commands. */
    static final class Options {
        @Option(names = "--history", paramLabel = "FILE",
                description = "Write the run's per-epoch (ctr-train: per-pass) figures as CSV: loss, validation or test metrics, throughput and, "
                        + "where recorded, each parameter group's gradient norm, update norm, update-to-weight ratio and effective learning rate. Default: none.")
        Path history;

        @Option(names = "--report", paramLabel = "FILE",
                description = "Write a self-contained HTML page with the run's learning curves and per-group optimizer figures as charts. Default: none.")
        Path report;

        /** Pre-flight: both paths writable, before any data is read. */
        void check() {
            if (history != null) OutputPaths.requireFile("--history", history);
            if (report != null) OutputPaths.requireFile("--report", report);
        }

        boolean any() {
            return history != null || report != null;
        }
    }

    // ------------------------------------------------------------------ BPR-MF

    static void bpr(Options o, String title, String command, String metric, Trainer.Result r) {
        List<String> header = List.of("epoch", "samples", "seconds", "samples_per_second", "loss", "validation_" + metric, "cpu_seconds");
        List<double[]> rows = new ArrayList<>();
        for (Trainer.EpochRecord e : r.history()) {
            rows.add(new double[] {e.epoch(), e.samples(), e.seconds(), e.samplesPerSecond(), e.loss(), e.validation(), e.cpuSeconds()});
        }
        writeCsv(o, header, rows);
        if (o.report == null) return;
        int n = rows.size();
        double[] x = col(rows, 0), loss = col(rows, 4), val = col(rows, 5), sps = col(rows, 3);
        HtmlReport h = start(title, command);
        List<SvgChart> charts = new ArrayList<>();
        charts.add(new SvgChart("Training loss (BPR, sampled)", "epoch", "loss").series("loss", x, loss));
        double[][] v = finitePoints(x, val);   // epochs without validation (--validate-every > 1) are left out
        if (v[0].length > 0) {
            charts.add(new SvgChart("Validation " + metric, "epoch", metric).series(metric, v[0], v[1]).markX(r.bestEpoch()));
        }
        charts.add(new SvgChart("Throughput", "epoch", "samples/s").series("samples/s", x, sps));
        h.charts(charts);
        h.paragraph(String.format(Locale.ROOT, "Best epoch %d (validation %s %.4f)%s.", r.bestEpoch(), metric, r.bestValidation(),
                r.stoppedEarly() ? ", stopped early" : ""));
        table(h, header, rows);
        writeHtml(o, h);
    }

    // ------------------------------------------------------------------ VBPR, visual-only, BPR-MF of the VBPR package

    static void vbpr(Options o, String title, String command, VbprTrainer.Result r) {
        List<String> header = new ArrayList<>(List.of("epoch", "loss", "validation_auc", "validation_cold_auc", "seconds", "samples_per_second"));
        // every group any epoch recorded (epochs restored from a checkpoint may carry none), matched by name
        List<String> groups = new ArrayList<>();
        for (VbprTrainer.Epoch e : r.history()) for (VbprTrainer.GroupFigures g : e.groups()) if (!groups.contains(g.group())) groups.add(g.group());
        for (String g : groups) {
            for (String f : new String[] {"grad_norm", "update_norm", "update_to_weight", "effective_lr", "lr_multiplier"}) header.add(g + "_" + f);
        }
        List<double[]> rows = new ArrayList<>();
        for (VbprTrainer.Epoch e : r.history()) {
            double[] row = new double[header.size()];
            java.util.Arrays.fill(row, Double.NaN);
            row[0] = e.epoch();
            row[1] = e.loss();
            row[2] = e.validationAuc();
            row[3] = e.validationColdAuc();
            row[4] = e.seconds();
            row[5] = e.samplesPerSecond();
            for (VbprTrainer.GroupFigures g : e.groups()) {
                int c = 6 + 5 * groups.indexOf(g.group());
                row[c++] = g.gradientNorm();
                row[c++] = g.updateNorm();
                row[c++] = g.updateToWeight();
                row[c++] = g.effectiveLr();
                row[c++] = g.multiplier();
            }
            rows.add(row);
        }
        writeCsv(o, header, rows);
        if (o.report == null) return;
        double[] x = col(rows, 0);
        HtmlReport h = start(title, command);
        double[][] va = finitePoints(x, col(rows, 2)), vc = finitePoints(x, col(rows, 3));
        SvgChart auc = new SvgChart("Validation AUC", "epoch", "AUC").series("all items", va[0], va[1]).markX(r.bestEpoch());
        if (vc[0].length > 0) auc.series("cold-start items", vc[0], vc[1]);
        List<SvgChart> charts = new ArrayList<>(List.of(new SvgChart("Training loss (BPR)", "epoch", "loss").series("loss", x, col(rows, 1)), auc));
        SvgChart ratio = new SvgChart("Update-to-weight ratio per group", "epoch", "update / weight").logY(true);
        SvgChart lr = new SvgChart("Mean effective learning rate per group", "epoch", "lr_eff").logY(true);
        for (int g = 0; g < groups.size(); g++) {
            double[] rr = col(rows, 6 + 5 * g + 2), ll = col(rows, 6 + 5 * g + 3);
            if (positive(rr)) ratio.series(groups.get(g), x, rr);
            if (positive(ll)) lr.series(groups.get(g), x, ll);
        }
        charts.add(ratio);
        charts.add(lr);
        h.charts(charts);
        h.paragraph(String.format(Locale.ROOT, "Best epoch %d (validation AUC %.4f), seed %d. %s", r.bestEpoch(), r.bestValidationAuc(), r.seed(),
                String.join(" ", r.notes())));
        table(h, header, rows);
        writeHtml(o, h);
    }

    // ------------------------------------------------------------------ click models

    /**
     * One evaluated pass of ctr-train: training running NE and the test figures per stratum (rare,
     * medium, frequent, all); a stratum not measured (a streamed run without strata) is null, its
     * cells empty and its curve left out.
     */
    record Pass(int pass, double trainNe, CtrEvaluation[] test) {}

    static void ctr(Options o, String title, String command, List<Pass> passes, List<List<GroupDiagnostics>> diagnostics) {
        List<String> header = new ArrayList<>(List.of("pass", "train_running_ne"));
        for (int s = 0; s < 4; s++) {
            String name = s < 3 ? Strata.NAMES[s] : "all";
            for (String f : new String[] {"ne", "auc", "calibration", "rows"}) header.add("test_" + name + "_" + f);
        }
        List<String> groups = new ArrayList<>();
        for (List<GroupDiagnostics> pass : diagnostics) for (GroupDiagnostics g : pass) if (!groups.contains(g.group())) groups.add(g.group());
        for (String g : groups) {
            for (String f : new String[] {"steps", "grad_norm", "update_norm", "update_to_weight", "effective_lr", "rows_touched"}) header.add(g + "_" + f);
        }
        List<double[]> rows = new ArrayList<>();
        for (int p = 0; p < passes.size(); p++) {
            Pass ps = passes.get(p);
            double[] row = new double[header.size()];
            java.util.Arrays.fill(row, Double.NaN);
            row[0] = ps.pass();
            row[1] = ps.trainNe();
            int c = 2;
            for (CtrEvaluation e : ps.test()) {
                if (e == null) {
                    c += 4;
                    continue;
                }
                row[c++] = e.ne();
                row[c++] = e.auc();
                row[c++] = e.calibration();
                row[c++] = e.count();
            }
            if (p < diagnostics.size()) {
                for (GroupDiagnostics g : diagnostics.get(p)) {
                    c = 2 + 16 + 6 * groups.indexOf(g.group());
                    row[c++] = g.steps();
                    row[c++] = g.gradientNorm();
                    row[c++] = g.updateNorm();
                    row[c++] = g.updateToWeightRatio();
                    row[c++] = g.meanEffectiveLr();
                    row[c++] = g.fractionRowsTouched();
                }
            }
            rows.add(row);
        }
        writeCsv(o, header, rows);
        if (o.report == null) return;
        double[] x = col(rows, 0);
        HtmlReport h = start(title, command);
        SvgChart ne = new SvgChart("Test NE per stratum", "pass", "NE");
        for (int s = 0; s < 4; s++) if (measured(col(rows, 2 + 4 * s))) ne.series(s < 3 ? Strata.NAMES[s] : "all", x, col(rows, 2 + 4 * s));
        ne.series("training (running)", x, col(rows, 1), true);
        SvgChart auc = new SvgChart("Test AUC per stratum", "pass", "AUC");
        for (int s = 0; s < 4; s++) if (measured(col(rows, 3 + 4 * s))) auc.series(s < 3 ? Strata.NAMES[s] : "all", x, col(rows, 3 + 4 * s));
        List<SvgChart> charts = new ArrayList<>(List.of(ne, auc));
        SvgChart ratio = new SvgChart("Update-to-weight ratio per group", "pass", "update / weight").logY(true);
        for (int g = 0; g < groups.size(); g++) {
            double[] rr = col(rows, 18 + 6 * g + 3);
            if (positive(rr)) ratio.series(groups.get(g), x, rr);
        }
        if (!groups.isEmpty()) charts.add(ratio);
        h.charts(charts);
        table(h, header, rows);
        writeHtml(o, h);
    }

    // ------------------------------------------------------------------ shared

    private static HtmlReport start(String title, String command) {
        HtmlReport h = new HtmlReport(title);
        h.code(command);
        return h;
    }

    private static void table(HtmlReport h, List<String> header, List<double[]> rows) {
        List<List<?>> t = new ArrayList<>();
        for (double[] r : rows) {
            List<Object> l = new ArrayList<>();
            for (double v : r) l.add(v == Math.rint(v) && Math.abs(v) < 1e15 ? (Object) (long) v : (Object) v);
            t.add(l);
        }
        h.heading("Figures");
        h.table(header, t);
    }

    private static double[] col(List<double[]> rows, int c) {
        double[] out = new double[rows.size()];
        for (int i = 0; i < out.length; i++) out[i] = rows.get(i)[c];
        return out;
    }

    /** The points whose y is finite (not measured: NaN), as {x, y}. */
    private static double[][] finitePoints(double[] x, double[] y) {
        int n = 0;
        for (double v : y) if (Double.isFinite(v)) n++;
        double[] fx = new double[n], fy = new double[n];
        for (int i = 0, k = 0; i < y.length; i++) {
            if (!Double.isFinite(y[i])) continue;
            fx[k] = x[i];
            fy[k++] = y[i];
        }
        return new double[][] {fx, fy};
    }

    /** Whether some pass measured this column (a stratum a streamed run did not measure is all NaN). */
    private static boolean measured(double[] v) {
        for (double x : v) if (!Double.isNaN(x)) return true;
        return false;
    }

    private static boolean positive(double[] v) {
        for (double x : v) if (!(x > 0) || !Double.isFinite(x)) return false;
        return v.length > 0;
    }

    private static void writeCsv(Options o, List<String> header, List<double[]> rows) {
        if (o.history == null) return;
        StringBuilder sb = new StringBuilder(String.join(",", header)).append('\n');
        for (double[] r : rows) {
            for (int c = 0; c < r.length; c++) {
                if (c > 0) sb.append(',');
                double v = r[c];
                if (Double.isNaN(v)) continue;   // empty cell: not measured
                sb.append(v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v));
            }
            sb.append('\n');
        }
        try {
            AtomicFile.write(o.history, false, out -> out.write(sb.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new BadInputException("--history " + o.history + ": cannot write (" + e.getMessage() + ")");
        }
    }

    private static void writeHtml(Options o, HtmlReport h) {
        try {
            h.write(o.report);
        } catch (IOException e) {
            throw new BadInputException("--report " + o.report + ": cannot write (" + e.getMessage() + ")");
        }
    }
}
