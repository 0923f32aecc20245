package dev.sparsetrain.testkit.reference;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongToDoubleFunction;

/**
 * A slow, obviously-correct double-precision reference of every optimizer and transform, one
 * element at a time, written from PyTorch 1.13's {@code torch/optim/*.py} formulas (and FBGEMM's
 * row-wise AdaGrad, McMahan et al.'s FTRL; RAdam, Rprop, ASGD from PyTorch; Adafactor from
 * PyTorch 2.5 with one row as one 1-D parameter; Eve from Koushik &amp; Hayashi 2016, Algorithm 1;
 * LAMB, LARS SGD and partial row-wise Adam from FBGEMM's {@code optimizers.py}), independently of
 * the {@code optim} module. Tests hold
 * the float kernels against it.
 *
 * <p>Semantics: {@code LAZY} updates only rows with a gradient, with the global step for bias
 * correction; {@code LAZY_ROWWISE_BIAS} uses the row's own count; {@code DENSE} updates every row
 * every step (rows without a gradient get zeros), which is also what CATCH_UP must equal after a
 * flush. Duplicate row ids in a step are summed first; rows whose gradient has a NaN or infinity
 * are counted and skipped.
 *
 * <p>Not thread-safe; allocates freely.
 */
public final class ReferenceOptimizer {

    /** Sparse semantics of the reference. */
    public enum Semantics { LAZY, LAZY_ROWWISE_BIAS, DENSE }

    /** Every hyperparameter, with PyTorch's defaults; set the ones a test needs. */
    public static final class Config {
        public String kind = "sgd";
        public double lr = 0.01;
        public double momentum, dampening;
        public boolean nesterov;
        public double weightDecay;           // coupled L2
        public double decoupledWeightDecay;  // AdamW
        public double lrDecay, initialAccumulatorValue;
        public double eps = Double.NaN;      // NaN: the kind's default
        public double alpha = 0.99;          // rmsprop
        public boolean centered;
        public double rho = 0.9;             // adadelta
        public double beta1 = 0.9, beta2 = 0.999;
        public boolean amsgrad, sparseEps;
        public double momentumDecay = 4e-3;
        public double ftrlBeta = 1, l1, l2;
        public double clipValue, clipRowNorm, clipGlobalNorm, maxNorm, constantNorm; // 0 = off
        public LongToDoubleFunction lrFactor = t -> 1.0;
        // rprop (torch.optim.Rprop)
        public double etaMinus = 0.5, etaPlus = 1.2, stepSizeMin = 1e-6, stepSizeMax = 50;
        // asgd (torch.optim.ASGD)
        public double lambd = 1e-4, asgdAlpha = 0.75, t0 = 1e6;
        // adafactor (torch 2.5, one row = one 1-D parameter)
        public double beta2Decay = -0.8, eps1 = Math.ulp(1.0f), eps2 = 1e-3, clipThreshold = 1.0;
        // weight decay inside the update: adafactor (decoupled, before), lamb (in r), lars_sgd (in the local rate)
        public double innerWeightDecay;
        // eve (Koushik & Hayashi 2016)
        public double beta3 = 0.999, lowerThreshold = 0.1, upperThreshold = 10, fStar = 0;
        // lars_sgd (FBGEMM)
        public double eta = 1e-3;

        double eps() {
            if (!Double.isNaN(eps)) return eps;
            return switch (kind) {
                case "adagrad" -> 1e-10;
                case "adadelta" -> 1e-6;
                default -> 1e-8;
            };
        }

        public Config kind(String k) { kind = k; return this; }
        public Config lr(double v) { lr = v; return this; }
    }

    private final Config c;
    private final Semantics semantics;
    public final double[][] w;
    private final int rows, dim;
    private final double[][] s0, s1, s2;
    private final double[] rowAcc;
    private final int[] count;
    private long step;
    private long nonFinite;
    private long objectives;
    private double fhat, feedbackD = 1;
    private double lastGlobalNorm = Double.NaN;

    public ReferenceOptimizer(Config c, Semantics semantics, double[][] init) {
        this.c = c;
        this.semantics = semantics;
        this.rows = init.length;
        this.dim = init[0].length;
        this.w = new double[rows][];
        for (int r = 0; r < rows; r++) w[r] = init[r].clone();
        s0 = new double[rows][dim];
        s1 = new double[rows][dim];
        s2 = new double[rows][dim];
        rowAcc = new double[rows];
        count = new int[rows];
        if (c.kind.equals("adagrad")) for (double[] a : s0) Arrays.fill(a, c.initialAccumulatorValue);
        if (c.kind.equals("rowwise_adagrad")) Arrays.fill(rowAcc, c.initialAccumulatorValue);
    }

    public long nonFinite() { return nonFinite; }

    /** Eve: the objective before the next step (Algorithm 1 of Koushik &amp; Hayashi 2016). */
    public void setObjective(double f) {
        double x = f - c.fStar;
        if (objectives++ == 0) {
            fhat = x;
            feedbackD = 1;
            return;
        }
        boolean up = x >= fhat;
        double lo = up ? c.lowerThreshold + 1 : 1 / (c.upperThreshold + 1);
        double hi = up ? c.upperThreshold + 1 : 1 / (c.lowerThreshold + 1);
        double ratio = Math.min(Math.max(lo, x / fhat), hi);
        double next = ratio * fhat;
        feedbackD = c.beta3 * feedbackD + (1 - c.beta3) * Math.abs(next - fhat) / Math.min(next, fhat);
        fhat = next;
    }

    /** Eve's current feedback coefficient. */
    public double feedback() { return feedbackD; }
    public long step() { return step; }
    public double lastGlobalNorm() { return lastGlobalNorm; }
    /** State slot {@code k} (0, 1, 2) of an element; row-wise AdaGrad's accumulator is slot 0 column 0. */
    public double state(int k, int r, int col) {
        if (c.kind.equals("rowwise_adagrad")) return rowAcc[r];
        if (c.kind.equals("partial_rowwise_adam") && k == 1) return rowAcc[r];
        return (k == 0 ? s0 : k == 1 ? s1 : s2)[r][col];
    }

    /** One step with gradients {@code grads[i]} for {@code ids[i]} (duplicates summed). */
    public void step(int[] ids, double[][] grads) {
        Map<Integer, double[]> g = new LinkedHashMap<>();
        for (int i = 0; i < ids.length; i++) {
            double[] sum = g.computeIfAbsent(ids[i], k -> new double[dim]);
            for (int j = 0; j < dim; j++) sum[j] += grads[i][j];
        }
        g.values().removeIf(v -> {
            for (double x : v) if (!Double.isFinite(x)) { nonFinite++; return true; }
            return false;
        });
        if (ids.length == 0 && semantics != Semantics.DENSE) return; // a step with only non-finite rows still counts
        long t = ++step;
        if (c.clipGlobalNorm > 0) {
            double n2 = 0;
            for (double[] v : g.values()) for (double x : v) n2 += x * x;
            double norm = Math.sqrt(n2);
            lastGlobalNorm = norm;
            double coef = c.clipGlobalNorm / (norm + 1e-6);
            if (coef < 1) for (double[] v : g.values()) for (int j = 0; j < dim; j++) v[j] *= coef;
        }
        if (semantics == Semantics.DENSE) {
            for (int r = 0; r < rows; r++) {
                double[] gr = g.get(r);
                update(r, gr == null ? new double[dim] : gr, t);
            }
        } else {
            for (Map.Entry<Integer, double[]> e : g.entrySet()) update(e.getKey(), e.getValue(), t);
        }
    }

    private void update(int r, double[] g, long globalT) {
        double[] x = w[r];
        if (c.clipValue > 0) for (int j = 0; j < dim; j++) g[j] = Math.max(-c.clipValue, Math.min(c.clipValue, g[j]));
        if (c.clipRowNorm > 0) {
            double n = norm(g);
            if (n > c.clipRowNorm) for (int j = 0; j < dim; j++) g[j] *= c.clipRowNorm / n;
        }
        for (int j = 0; j < dim; j++) g[j] += c.weightDecay * x[j];
        long t = semantics == Semantics.LAZY_ROWWISE_BIAS ? count[r] + 1 : globalT;
        boolean first = semantics == Semantics.DENSE ? globalT == 1 : count[r] == 0;
        double lr = c.lr * c.lrFactor.applyAsDouble(globalT);
        if (c.decoupledWeightDecay != 0) for (int j = 0; j < dim; j++) x[j] *= 1 - lr * c.decoupledWeightDecay;
        double eps = c.eps();
        switch (c.kind) {
            case "sgd" -> {
                for (int j = 0; j < dim; j++) {
                    double d = g[j];
                    if (c.momentum != 0) {
                        s0[r][j] = first ? d : c.momentum * s0[r][j] + (1 - c.dampening) * d;
                        d = c.nesterov ? d + c.momentum * s0[r][j] : s0[r][j];
                    }
                    x[j] -= lr * d;
                }
            }
            case "adagrad" -> {
                double clr = lr / (1 + (t - 1) * c.lrDecay);
                for (int j = 0; j < dim; j++) {
                    s0[r][j] += g[j] * g[j];
                    x[j] -= clr * g[j] / (Math.sqrt(s0[r][j]) + eps);
                }
            }
            case "rowwise_adagrad" -> {
                double m = 0;
                for (int j = 0; j < dim; j++) m += g[j] * g[j];
                rowAcc[r] += m / dim;
                for (int j = 0; j < dim; j++) x[j] -= lr * g[j] / (Math.sqrt(rowAcc[r]) + eps);
            }
            case "rmsprop" -> {
                for (int j = 0; j < dim; j++) {
                    s0[r][j] = c.alpha * s0[r][j] + (1 - c.alpha) * g[j] * g[j];
                    double avg;
                    if (c.centered) {
                        s1[r][j] = c.alpha * s1[r][j] + (1 - c.alpha) * g[j];
                        avg = Math.sqrt(s0[r][j] - s1[r][j] * s1[r][j]) + eps;
                    } else {
                        avg = Math.sqrt(s0[r][j]) + eps;
                    }
                    if (c.momentum > 0) {
                        s2[r][j] = c.momentum * s2[r][j] + g[j] / avg;
                        x[j] -= lr * s2[r][j];
                    } else {
                        x[j] -= lr * g[j] / avg;
                    }
                }
            }
            case "adadelta" -> {
                for (int j = 0; j < dim; j++) {
                    s0[r][j] = c.rho * s0[r][j] + (1 - c.rho) * g[j] * g[j];
                    double delta = Math.sqrt(s1[r][j] + eps) / Math.sqrt(s0[r][j] + eps) * g[j];
                    s1[r][j] = c.rho * s1[r][j] + (1 - c.rho) * delta * delta;
                    x[j] -= lr * delta;
                }
            }
            case "adam" -> {
                double bc1 = 1 - Math.pow(c.beta1, t), bc2 = 1 - Math.pow(c.beta2, t);
                for (int j = 0; j < dim; j++) {
                    s0[r][j] = c.beta1 * s0[r][j] + (1 - c.beta1) * g[j];
                    s1[r][j] = c.beta2 * s1[r][j] + (1 - c.beta2) * g[j] * g[j];
                    double v = s1[r][j];
                    if (c.amsgrad) {
                        s2[r][j] = Math.max(s2[r][j], v);
                        v = s2[r][j];
                    }
                    if (c.sparseEps) x[j] -= lr * Math.sqrt(bc2) / bc1 * s0[r][j] / (Math.sqrt(v) + eps);
                    else x[j] -= lr / bc1 * s0[r][j] / (Math.sqrt(v) / Math.sqrt(bc2) + eps);
                }
            }
            case "adamax" -> {
                double clr = lr / (1 - Math.pow(c.beta1, t));
                for (int j = 0; j < dim; j++) {
                    s0[r][j] = c.beta1 * s0[r][j] + (1 - c.beta1) * g[j];
                    s1[r][j] = Math.max(c.beta2 * s1[r][j], Math.abs(g[j]) + eps);
                    x[j] -= clr * s0[r][j] / s1[r][j];
                }
            }
            case "nadam" -> {
                double p = 1;
                for (long i = 1; i <= t; i++) p *= mu(i);
                double mu = mu(t), muNext = mu(t + 1);
                double pn = p * mu * muNext; // PyTorch 1.13
                double bc2 = 1 - Math.pow(c.beta2, t);
                for (int j = 0; j < dim; j++) {
                    s0[r][j] = c.beta1 * s0[r][j] + (1 - c.beta1) * g[j];
                    s1[r][j] = c.beta2 * s1[r][j] + (1 - c.beta2) * g[j] * g[j];
                    double d = Math.sqrt(s1[r][j] / bc2) + eps;
                    x[j] -= lr * (1 - mu) / (1 - p) * g[j] / d + lr * muNext / (1 - pn) * s0[r][j] / d;
                }
            }
            case "ftrl" -> {
                double a = lr;
                for (int j = 0; j < dim; j++) {
                    double n = s1[r][j], nn = n + g[j] * g[j];
                    double sigma = (Math.sqrt(nn) - Math.sqrt(n)) / a;
                    s0[r][j] += g[j] - sigma * x[j];
                    s1[r][j] = nn;
                    double z = s0[r][j];
                    x[j] = Math.abs(z) <= c.l1 ? 0 : -(z - Math.signum(z) * c.l1) / ((c.ftrlBeta + Math.sqrt(nn)) / a + c.l2);
                }
            }
            case "radam" -> {
                double bc1 = 1 - Math.pow(c.beta1, t), b2t = Math.pow(c.beta2, t), bc2 = 1 - b2t;
                double rhoInf = 2 / (1 - c.beta2) - 1, rhoT = rhoInf - 2 * t * b2t / bc2;
                for (int j = 0; j < dim; j++) {
                    s0[r][j] = c.beta1 * s0[r][j] + (1 - c.beta1) * g[j];
                    s1[r][j] = c.beta2 * s1[r][j] + (1 - c.beta2) * g[j] * g[j];
                    double mhat = s0[r][j] / bc1;
                    if (rhoT > 5) {
                        double rect = Math.sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
                        x[j] -= lr * mhat * rect * Math.sqrt(bc2) / (Math.sqrt(s1[r][j]) + eps);
                    } else {
                        x[j] -= lr * mhat;
                    }
                }
            }
            case "rprop" -> {
                if (first) {
                    Arrays.fill(s0[r], 0);
                    Arrays.fill(s1[r], lr);
                }
                for (int j = 0; j < dim; j++) {
                    double prod = g[j] * s0[r][j];
                    double f = prod > 0 ? c.etaPlus : prod < 0 ? c.etaMinus : 1;
                    s1[r][j] = Math.min(Math.max(s1[r][j] * f, c.stepSizeMin), c.stepSizeMax);
                    double gg = prod < 0 ? 0 : g[j];
                    x[j] -= Math.signum(gg) * s1[r][j];
                    s0[r][j] = gg;
                }
            }
            case "asgd" -> {
                double etaT = lr / Math.pow(1 + c.lambd * lr * (t - 1), c.asgdAlpha);
                double mu = 1 / Math.max(1, t - 1 - c.t0);
                for (int j = 0; j < dim; j++) {
                    x[j] = x[j] * (1 - c.lambd * etaT) - etaT * g[j];
                    s0[r][j] = mu == 1 ? x[j] : s0[r][j] + mu * (x[j] - s0[r][j]);
                }
            }
            case "adafactor" -> {
                double rho = Math.min(lr, 1 / Math.sqrt(t));
                double alphaT = Math.max(c.eps2, norm(x) / Math.sqrt(dim)) * rho;
                for (int j = 0; j < dim; j++) x[j] *= 1 - lr * c.innerWeightDecay;
                double beta2t = 1 - Math.pow(t, c.beta2Decay);
                double[] u = new double[dim];
                for (int j = 0; j < dim; j++) {
                    s0[r][j] = beta2t * s0[r][j] + (1 - beta2t) * g[j] * g[j];
                    u[j] = g[j] / Math.sqrt(Math.max(s0[r][j], c.eps1 * c.eps1));
                }
                double den = Math.max(1, norm(u) / Math.sqrt(dim) / c.clipThreshold);
                for (int j = 0; j < dim; j++) x[j] -= alphaT / den * u[j];
            }
            case "eve" -> {
                double bc1 = 1 - Math.pow(c.beta1, t), bc2 = 1 - Math.pow(c.beta2, t);
                for (int j = 0; j < dim; j++) {
                    s0[r][j] = c.beta1 * s0[r][j] + (1 - c.beta1) * g[j];
                    s1[r][j] = c.beta2 * s1[r][j] + (1 - c.beta2) * g[j] * g[j];
                    x[j] -= lr * (s0[r][j] / bc1) / (feedbackD * Math.sqrt(s1[r][j] / bc2) + eps);
                }
            }
            case "lamb" -> {
                double bc1 = 1 - Math.pow(c.beta1, t), bc2 = 1 - Math.pow(c.beta2, t);
                double[] u = new double[dim];
                for (int j = 0; j < dim; j++) {
                    s0[r][j] = c.beta1 * s0[r][j] + (1 - c.beta1) * g[j];
                    s1[r][j] = c.beta2 * s1[r][j] + (1 - c.beta2) * g[j] * g[j];
                    u[j] = (s0[r][j] / bc1) / (Math.sqrt(s1[r][j] / bc2) + eps) + c.innerWeightDecay * x[j];
                }
                double un = norm(u);
                if (un > 0) {
                    double ratio = norm(x) / un;
                    for (int j = 0; j < dim; j++) x[j] -= lr * ratio * u[j];
                }
            }
            case "lars_sgd" -> {
                double wn = norm(x), den = norm(g) + c.innerWeightDecay * wn;
                double local = den > 0 ? lr * c.eta * wn / den : 0;
                for (int j = 0; j < dim; j++) {
                    s0[r][j] = c.momentum * s0[r][j] + local * (g[j] + c.innerWeightDecay * x[j]);
                    x[j] -= s0[r][j];
                }
            }
            case "partial_rowwise_adam" -> {
                double m2 = 0;
                for (int j = 0; j < dim; j++) m2 += g[j] * g[j];
                rowAcc[r] = c.beta2 * rowAcc[r] + (1 - c.beta2) * m2 / dim;
                double den = Math.sqrt(rowAcc[r] / (1 - Math.pow(c.beta2, t))) + eps;
                for (int j = 0; j < dim; j++) {
                    s0[r][j] = c.beta1 * s0[r][j] + (1 - c.beta1) * g[j];
                    x[j] -= lr * (s0[r][j] / (1 - Math.pow(c.beta1, t))) / den;
                }
            }
            default -> throw new IllegalArgumentException("reference: unknown kind " + c.kind);
        }
        if (c.maxNorm > 0) {
            double n = norm(x);
            if (n > c.maxNorm) for (int j = 0; j < dim; j++) x[j] *= c.maxNorm / n;
        } else if (c.constantNorm > 0) {
            double n = norm(x);
            if (n > 0) for (int j = 0; j < dim; j++) x[j] *= c.constantNorm / n;
        }
        count[r]++;
    }

    private double mu(long t) { return c.beta1 * (1 - 0.5 * Math.pow(0.96, t * c.momentumDecay)); }

    private static double norm(double[] a) {
        double s = 0;
        for (double v : a) s += v * v;
        return Math.sqrt(s);
    }
}
