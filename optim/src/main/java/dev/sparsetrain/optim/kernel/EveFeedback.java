package dev.sparsetrain.optim.kernel;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.optim.transform.Eve;

/**
 * The objective feedback of one Eve group (see {@link Eve}): the number of objective values
 * seen, the smoothed objective {@code fhat} and the coefficient {@code d} that the group's row
 * kernels divide the step by. {@link #observe} is for one thread between steps; {@code d} is a
 * volatile read for the kernels.
 */
public final class EveFeedback {
    private final double beta3, k, bigK, fStar;
    private long calls;
    private double fhat = Double.NaN;
    private volatile double d = 1.0;

    public EveFeedback(Eve e) {
        beta3 = e.beta3();
        k = e.lowerThreshold();
        bigK = e.upperThreshold();
        fStar = e.fStar();
    }

    /**
     * Takes the objective {@code f(w_{t-1})} of the coming step and updates {@code d}
     * (Algorithm 1 of Koushik &amp; Hayashi 2016).
     *
     * @throws BadInputException when {@code f - f_star} is not finite and positive
     */
    public void observe(String where, double f) {
        double x = f - fStar;
        if (!(x > 0) || Double.isInfinite(x)) {
            throw new BadInputException(where + ": eve objective " + f + ", must be finite and > f_star (" + fStar + ")");
        }
        if (calls == 0) {
            fhat = x;
            d = 1.0;
        } else {
            double lo, hi;
            if (x >= fhat) {
                lo = k + 1;
                hi = bigK + 1;
            } else {
                lo = 1 / (bigK + 1);
                hi = 1 / (k + 1);
            }
            double c = Math.min(Math.max(lo, x / fhat), hi);
            double next = c * fhat;
            double r = Math.abs(next - fhat) / Math.min(next, fhat);
            d = beta3 * d + (1 - beta3) * r;
            fhat = next;
        }
        calls++;
    }

    /** The current feedback coefficient (1 before the second objective). */
    public double d() { return d; }

    /** The state as text: {@code calls,d,fhat} (exact doubles), for checkpoints. */
    public String export() { return calls + "," + Double.toString(d) + "," + Double.toString(fhat); }

    /** Restores {@link #export()}; a malformed value is a one-line error naming {@code where}. */
    public void restore(String where, String s) {
        String[] p = s == null ? new String[0] : s.split(",");
        try {
            if (p.length != 3) throw new NumberFormatException();
            long c = Long.parseLong(p[0]);
            double dd = Double.parseDouble(p[1]), fh = Double.parseDouble(p[2]);
            if (c < 0 || !Double.isFinite(dd) || (c > 0 && !(fh > 0))) throw new NumberFormatException();
            calls = c;
            d = dd;
            fhat = fh;
        } catch (NumberFormatException e) {
            throw new BadInputException(where + ": eve feedback state '" + s + "', expected calls,d,fhat (a count, a finite d, fhat > 0)");
        }
    }

    /** Checks {@link #export()} text without applying it. */
    public static void check(String where, String s) {
        new EveFeedback(new Eve(0.9, 0.999, 0.999, 0.1, 10, 1e-8, 0)).restore(where, s);
    }
}
