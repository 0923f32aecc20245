package dev.sparsetrain.optim;

import dev.sparsetrain.core.BadInputException;

/**
 * A learning-rate schedule: a factor applied to a group's base learning rate as a function of the
 * group's step count {@code t} (1-based; the first step uses the factor at {@code t = 1}, as a
 * PyTorch scheduler's epoch 0).
 *
 * <pre>
 *   constant                      f(t) = 1
 *   step(every, gamma)            f(t) = gamma^floor((t-1)/every)                (torch StepLR)
 *   exponential(gamma)            f(t) = gamma^(t-1)                              (torch ExponentialLR)
 *   cosineWarmRestarts(T0, Tm, m) f(t) = m + (1-m)(1+cos(pi*Tcur/Ti))/2           (SGDR, Loshchilov &amp; Hutter 2017;
 *                                 Ti = T0*Tm^i, Tcur = steps since the last restart; torch CosineAnnealingWarmRestarts
 *                                 with eta_min = m * lr)
 *   warmup(n, start, inner)       f(t) = (start + (1-start)*(t-1)/n) * inner(1)  for t &lt;= n,  inner(t-n) after
 * </pre>
 *
 * <p>Records are immutable and thread-safe; {@link #factor(long)} allocates nothing.
 */
public sealed interface Schedule {

    /** The factor at step {@code t >= 1}. */
    double factor(long t);

    /** Checks the parameters; {@code where} names the group. */
    void validate(String where);

    /** True for the constant schedule (lets catch-up use closed forms). */
    default boolean isConstant() { return false; }

    static Schedule constant() { return Constant.INSTANCE; }

    static Schedule step(long every, double gamma) { return new Step(every, gamma); }

    static Schedule exponential(double gamma) { return new Exponential(gamma); }

    static Schedule cosineWarmRestarts(long t0, double tMult, double minFactor) {
        return new CosineWarmRestarts(t0, tMult, minFactor);
    }

    static Schedule warmup(long steps, double startFactor, Schedule then) {
        return new Warmup(steps, startFactor, then);
    }

    /** f(t) = 1. */
    record Constant() implements Schedule {
        static final Constant INSTANCE = new Constant();
        @Override public double factor(long t) { return 1.0; }
        @Override public void validate(String where) {}
        @Override public boolean isConstant() { return true; }
    }

    /** Multiplies by {@code gamma} every {@code every} steps. */
    record Step(long every, double gamma) implements Schedule {
        @Override public double factor(long t) { return Math.pow(gamma, (double) ((t - 1) / every)); }
        @Override public void validate(String where) {
            if (every < 1) throw new BadInputException(where + ": step schedule every=" + every + ", must be >= 1");
            if (!(gamma > 0 && gamma <= 1)) throw new BadInputException(where + ": step schedule gamma=" + gamma + ", must be in (0, 1]");
        }
    }

    /** Multiplies by {@code gamma} every step. */
    record Exponential(double gamma) implements Schedule {
        @Override public double factor(long t) { return Math.pow(gamma, (double) (t - 1)); }
        @Override public void validate(String where) {
            if (!(gamma > 0 && gamma <= 1)) throw new BadInputException(where + ": exponential schedule gamma=" + gamma + ", must be in (0, 1]");
        }
    }

    /** Cosine annealing with warm restarts (SGDR). */
    record CosineWarmRestarts(long t0, double tMult, double minFactor) implements Schedule {
        @Override public double factor(long t) {
            double tc = t - 1;
            double ti = t0;
            if (tMult == 1.0) {
                tc = tc % t0;
            } else {
                while (tc >= ti) { tc -= ti; ti *= tMult; }
            }
            return minFactor + (1 - minFactor) * (1 + Math.cos(Math.PI * tc / ti)) / 2;
        }
        @Override public void validate(String where) {
            if (t0 < 1) throw new BadInputException(where + ": cosine schedule t0=" + t0 + ", must be >= 1");
            if (!(tMult >= 1)) throw new BadInputException(where + ": cosine schedule tMult=" + tMult + ", must be >= 1");
            if (!(minFactor >= 0 && minFactor <= 1)) throw new BadInputException(where + ": cosine schedule minFactor=" + minFactor + ", must be in [0, 1]");
        }
    }

    /** Linear warm-up over {@code steps} steps from {@code startFactor}, then {@code then} (restarted at 1). */
    record Warmup(long steps, double startFactor, Schedule then) implements Schedule {
        @Override public double factor(long t) {
            if (t <= steps) return (startFactor + (1 - startFactor) * (double) (t - 1) / steps) * then.factor(1);
            return then.factor(t - steps);
        }
        @Override public void validate(String where) {
            if (steps < 1) throw new BadInputException(where + ": warm-up steps=" + steps + ", must be >= 1");
            if (!(startFactor >= 0 && startFactor <= 1)) throw new BadInputException(where + ": warm-up startFactor=" + startFactor + ", must be in [0, 1]");
            if (then == null) throw new BadInputException(where + ": warm-up needs a schedule to continue with (use Schedule.constant())");
            then.validate(where);
        }
    }
}
