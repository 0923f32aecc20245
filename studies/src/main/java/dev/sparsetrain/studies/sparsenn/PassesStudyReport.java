package dev.sparsetrain.studies.sparsenn;

import dev.sparsetrain.core.Settings;
import dev.sparsetrain.metrics.ctr.Strata;
import dev.sparsetrain.metrics.report.HtmlReport;
import dev.sparsetrain.metrics.report.SvgChart;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The self-contained HTML report of the {@link PassesStudy} ({@code experiment sparsenn-passes}). */
public final class PassesStudyReport {

    private PassesStudyReport() {}

    /**
     * The report: test NE and AUC per stratum and pass count, the overfitting per variant, the
     * curves, how far each group moves per pass, and the table as printed.
     *
     * @param dataDescription the data and split, one line
     * @param strataFeature the name of the feature whose training impressions define the strata
     * @param sizes test rows per stratum (rare, medium, frequent)
     * @param planted the planted model's test figures (synthetic data), or null
     * @param commandLine the arguments that produced the results, shown verbatim
     */
    public static HtmlReport build(String dataDescription, String strataFeature, Strata st, int[] sizes, String planted, int maxPasses,
                                   List<PassesStudy.VariantResult> results, String table, String commandLine) {
        HtmlReport h = new HtmlReport("SparseNN multi-pass study");
        h.paragraph("Test NE (logloss over the entropy of the test click rate, He et al. 2014) and AUC after num_passes = 1.."
                + maxPasses + " under each regularizer of the CTR team's study. Data: " + dataDescription + ".");
        h.paragraph("Strata by training impressions of " + strataFeature + ": rare < " + st.rareBelow() + " <= medium < "
                + st.frequentFrom() + " <= frequent; test rows per stratum (rare, medium, frequent): " + Arrays.toString(sizes)
                + ". Overfit = NE after " + maxPasses + " passes minus NE after 1 pass.");
        if (planted != null) h.paragraph("Planted click model on the test rows: " + planted);
        h.code(commandLine);
        List<List<?>> rows = new ArrayList<>();
        for (PassesStudy.VariantResult r : results) {
            for (PassesStudy.PassResult p : r.passes()) {
                List<Object> row = new ArrayList<>();
                row.add(r.variant().name());
                row.add(p.passes());
                for (int s = 0; s < 4; s++) {
                    row.add(p.strata()[s].ne());
                    row.add(p.strata()[s].auc());
                }
                row.add(p.trainRunningNe());
                rows.add(row);
            }
        }
        h.heading("Test NE and AUC per stratum");
        h.table(List.of("variant", "passes", "rare NE", "rare AUC", "medium NE", "medium AUC", "frequent NE", "frequent AUC", "all NE",
                "all AUC", "train NE (running)"), rows);
        List<List<?>> over = new ArrayList<>();
        for (PassesStudy.VariantResult r : results) {
            over.add(List.of(r.variant().name(), r.variant().description(), r.overfit(0), r.overfit(1), r.overfit(2), r.overfit(3)));
        }
        h.heading("Overfitting from 1 to " + maxPasses + " passes");
        h.table(List.of("variant", "setting", "rare", "medium", "frequent", "all"), over);
        SvgChart all = new SvgChart("Test NE (all rows)", "passes", "NE");
        SvgChart rare = new SvgChart("Test NE, rare ids", "passes", "NE");
        SvgChart freq = new SvgChart("Test NE, frequent ids", "passes", "NE");
        SvgChart trainNe = new SvgChart("Training NE (running)", "passes", "NE");
        for (PassesStudy.VariantResult r : results) {
            int n = r.curve().size();
            double[] x = new double[n], a = new double[n], ra = new double[n], fr = new double[n], trn = new double[n];
            for (int i = 0; i < n; i++) {
                PassesStudy.CurvePoint c = r.curve().get(i);
                x[i] = c.passes();
                a[i] = c.testNe();
                ra[i] = c.rareNe();
                fr[i] = c.frequentNe();
                trn[i] = c.trainNe();
            }
            all.series(r.variant().name(), x, a);
            rare.series(r.variant().name(), x, ra);
            freq.series(r.variant().name(), x, fr);
            trainNe.series(r.variant().name(), x, trn);
        }
        h.heading("Curves");
        h.charts(List.of(all, rare, freq, trainNe));
        // how far each group moves per update in each pass: do the regularizers calm the embeddings on later passes?
        SvgChart embMove = new SvgChart("Embedding rows: update/weight per update, per pass", "pass", "update / weight").logY(true);
        SvgChart mlpMove = new SvgChart("MLP weights: update/weight per step, per pass", "pass", "update / weight").logY(true);
        List<List<?>> moves = new ArrayList<>();
        for (PassesStudy.VariantResult r : results) {
            int n = r.diagnostics().size();
            double[] x = new double[n], e = new double[n], m = new double[n];
            for (int p = 0; p < n; p++) {
                x[p] = p + 1;
                List<Object> row = new ArrayList<>();
                row.add(r.variant().name());
                row.add(p + 1);
                for (var g : r.diagnostics().get(p)) {
                    if (g.group().equals("embeddings")) e[p] = g.updateToWeightRatio();
                    if (g.group().equals("mlp_weights")) m[p] = g.updateToWeightRatio();
                }
                row.add(e[p]);
                row.add(m[p]);
                moves.add(row);
            }
            if (n > 0 && Arrays.stream(e).allMatch(v -> v > 0)) embMove.series(r.variant().name(), x, e);
            if (n > 0 && Arrays.stream(m).allMatch(v -> v > 0)) mlpMove.series(r.variant().name(), x, m);
        }
        h.heading("How far the parameters move on each pass");
        h.paragraph("Update-to-weight ratio of a group over a pass: the norm of its updates over the norm of the rows they updated "
                + "(per update for embedding rows, per step for the MLP), from the optimizer's own figures (ctr-train " + Settings.name("diagnostics") + "). "
                + "0 = the group did not move (frozen); series with a frozen pass are left out of the log-scale charts.");
        h.charts(List.of(embMove, mlpMove));
        h.table(List.of("variant", "pass", "embeddings update/weight", "mlp_weights update/weight"), moves);
        h.heading("Table as printed");
        h.code(table);
        return h;
    }
}
