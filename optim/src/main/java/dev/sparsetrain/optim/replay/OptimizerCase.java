package dev.sparsetrain.optim.replay;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.RowBatch;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.optim.Chain;
import dev.sparsetrain.optim.Optimizer;
import dev.sparsetrain.optim.Optimizers;
import dev.sparsetrain.optim.ParamGroup;
import dev.sparsetrain.optim.SparseSemantics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A golden optimizer case (../shared/golden/README.md) as plain data, and its replay through the
 * public API: {@link Optimizers#fromPyTorch} builds the chain from the case's optimizer and
 * hyperparameters, the optional {@code clip} becomes {@code clipByGlobalNorm} or
 * {@code clipByValue}, {@code sparse: true} means {@link SparseSemantics#LAZY} (for SGD with
 * momentum DENSE, see {@link #semanticsToUse()}),
 * {@code "semantics": "dense"} with sparse steps means {@link SparseSemantics#CATCH_UP} followed by
 * {@link Optimizer#flush()}, and otherwise {@link SparseSemantics#DENSE}.
 *
 * @param name      the case's name
 * @param optimizer the optimizer name, one of {@link Optimizers#ALL_NAMES}
 * @param hyper     PyTorch's argument names and values (Double, Boolean or List)
 * @param sparse    whether steps name only some rows
 * @param semantics "dense" for catch-up cases, else null
 * @param init      the table before the first step, rows x dim
 * @param steps     each step's rows and gradients
 * @param clipType  "norm", "value" or null
 * @param clipValue max_norm or max_value
 */
public record OptimizerCase(String name, String optimizer, Map<String, ?> hyper, boolean sparse, String semantics,
                            double[][] init, List<Step> steps, String clipType, double clipValue) {

    /**
     * One step: the rows with a gradient and their gradients, in order, and the objective (the
     * loss at the parameters before the step, {@code steps[k].objective}; NaN when the case has
     * none), which replay hands to {@link Optimizer#setObjective(double)} (Eve reads it).
     */
    public record Step(int[] rows, double[][] grad, double objective) {
        public Step(int[] rows, double[][] grad) { this(rows, grad, Double.NaN); }
    }

    /** Whether this is a catch-up case (one {@code final} table instead of {@code after_each_step}). */
    public boolean catchUp() { return "dense".equals(semantics) && sparse; }

    /** The chain this case asks for. */
    public Chain chain(String where) {
        Chain c = Optimizers.fromPyTorch(where, optimizer, hyper);
        if (clipType != null) {
            c = switch (clipType) {
                case "norm" -> c.withClipByGlobalNorm(clipValue);
                case "value" -> c.withClipByValue(clipValue);
                default -> throw new BadInputException(where + ": clip type '" + clipType + "', allowed: norm, value");
            };
        }
        return c;
    }

    /**
     * The sparse semantics this case asks for: CATCH_UP for catch-up cases, LAZY for sparse ones,
     * DENSE otherwise; except sparse SGD with momentum, which is DENSE because that is what
     * PyTorch does with a sparse gradient: its momentum buffer is a sparse tensor that
     * {@code buf.mul_(momentum).add_(d_p)} decays and {@code param.add_(buf)} applies every step,
     * so every row ever touched keeps moving exactly as under the dense optimizer.
     */
    public SparseSemantics semanticsToUse() {
        if (catchUp()) return SparseSemantics.CATCH_UP;
        if (!sparse) return SparseSemantics.DENSE;
        if (chain("case").optimizer() instanceof dev.sparsetrain.optim.transform.Sgd s && s.momentum() != 0) return SparseSemantics.DENSE;
        return SparseSemantics.LAZY;
    }

    /**
     * Replays the case; returns the table after each step, or (catch-up) a single entry: the final
     * table after {@link Optimizer#flush()}.
     */
    public List<float[][]> replay(String where) {
        refuseWhatPyTorchRefuses(where);
        int rows = init.length;
        if (rows == 0) throw new BadInputException(where + ": init has no rows");
        int dim = init[0].length;
        if (dim == 0) throw new BadInputException(where + ": init rows are empty");
        Table t = Table.embedding("param", rows, dim);
        for (int r = 0; r < rows; r++) {
            if (init[r].length != dim) throw new BadInputException(where + ": init row " + r + " has " + init[r].length + " values, expected " + dim);
            for (int c = 0; c < dim; c++) t.set(r, c, (float) init[r][c]);
        }
        String group = name == null ? "case" : name;
        // a bad hyperparameter names the file and the group, as a value refused at build does
        ParamGroup g = ParamGroup.of(group, chain(where + ": group '" + group + "'"), "param").withSemantics(semanticsToUse());
        Optimizer opt;
        try {
            opt = Optimizer.build(List.of(g), List.of(t));
        } catch (BadInputException e) {
            // name the case file too: the group is named after the case, not after the file
            throw e.getMessage().startsWith(where) ? e : new BadInputException(where + ": " + e.getMessage());
        }
        RowBatch b = opt.gradients(t);
        List<float[][]> out = new ArrayList<>();
        for (int k = 0; k < steps.size(); k++) {
            Step s = steps.get(k);
            if (s.rows().length != s.grad().length) {
                throw new BadInputException(where + ": step " + k + " names " + s.rows().length + " rows but has " + s.grad().length + " gradients");
            }
            for (int i = 0; i < s.rows().length; i++) {
                int r = s.rows()[i];
                if (r < 0 || r >= rows) throw new BadInputException(where + ": step " + k + " row " + r + ", must be in [0, " + rows + ")");
                double[] gr = s.grad()[i];
                if (gr.length != dim) throw new BadInputException(where + ": step " + k + " gradient of row " + r + " has " + gr.length + " values, expected " + dim);
                int off = b.add(r);
                for (int c = 0; c < dim; c++) b.grads()[off + c] = (float) gr[c];
            }
            if (!Double.isNaN(s.objective())) opt.setObjective(s.objective());
            opt.stepAll();
            if (!catchUp()) out.add(snapshot(t));
        }
        if (catchUp()) {
            opt.flush();
            out.add(snapshot(t));
        }
        return out;
    }

    /**
     * A case claims PyTorch 1.13's behaviour, so combinations that PyTorch itself refuses are refused
     * here rather than replayed with sparsetrain's own (lazy) extension: weight decay with sparse
     * gradients in SGD ({@code add(sparse, dense)} is unsupported) and Adagrad ("weight_decay option is
     * not compatible with sparse gradients"), and SparseAdam with dense gradients.
     */
    void refuseWhatPyTorchRefuses(String where) {
        Object wd = hyper == null ? null : hyper.get("weight_decay");
        boolean decays = wd instanceof Number n && n.doubleValue() != 0;
        if (sparse && !catchUp() && decays && (optimizer.equals("sgd") || optimizer.equals("momentum") || optimizer.equals("nesterov")
                || optimizer.equals("adagrad"))) {
            throw new BadInputException(where + ": " + optimizer + " weight_decay=" + wd + " with sparse: true, PyTorch refuses weight decay"
                    + " with sparse gradients (allowed: weight_decay 0, or \"semantics\": \"dense\" for a catch-up case)");
        }
        if (!sparse && optimizer.equals("sparse_adam")) {
            throw new BadInputException(where + ": sparse_adam with sparse: false, PyTorch's SparseAdam does not support dense gradients"
                    + " (allowed: sparse: true, or optimizer adam)");
        }
    }

    private static float[][] snapshot(Table t) {
        float[][] a = new float[t.rows()][t.dim()];
        for (int r = 0; r < t.rows(); r++) for (int c = 0; c < t.dim(); c++) a[r][c] = t.get(r, c);
        return a;
    }
}
