package dev.sparsetrain.studies.landscape;

import dev.sparsetrain.core.BadInputException;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A loss over two parameters {@code (x, y)} with its exact gradient, its known global minimum, a
 * plotting box (also the box random starts are drawn from) and a loss threshold that counts as
 * "reached the minimum". Implementations are immutable and thread-safe.
 */
public sealed interface Surface permits Surface.LineFit, Surface.Rosenbrock, Surface.Rastrigin {

    /** The names {@link #of} accepts. */
    List<String> NAMES = List.of("line_fit", "line_fit_standardized", "rosenbrock", "rastrigin", "rastrigin_shallow");

    /** The surface called {@code name} (any case, '-' read as '_'); anything else is one line naming {@code option}. */
    static Surface of(String option, String name) {
        String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT).replace('-', '_');
        return switch (n) {
            case "line_fit" -> LineFit.spreadsheet();
            case "line_fit_standardized" -> LineFit.spreadsheet().standardized();
            case "rosenbrock" -> new Rosenbrock();
            case "rastrigin" -> new Rastrigin("rastrigin", Rastrigin.STANDARD);
            case "rastrigin_shallow" -> new Rastrigin("rastrigin_shallow", Rastrigin.SHALLOW);
            default -> throw new BadInputException(option + " '" + name + "': allowed " + String.join(", ", NAMES));
        };
    }

    String name();

    /** The formula, for reports. */
    String formula();

    double value(double x, double y);

    /** Writes the gradient at {@code (x, y)} to {@code out[0..1]}. */
    void gradient(double x, double y, double[] out);

    /** The global minimum {@code {x*, y*}}. */
    double[] minimum();

    /** The loss at {@link #minimum()}. */
    double minimumValue();

    /** A run has reached the global minimum when its loss is at or below this. */
    double threshold();

    /** The start of the drawn paths. */
    double[] start();

    /** Plotting box {@code {xMin, xMax, yMin, yMax}}; random starts are uniform in it. */
    double[] box();

    /** Whether the loss spans orders of magnitude (contour levels and loss charts on a log scale). */
    boolean logScale();

    /** Whether the surface has local minima besides the global one (then restarts are compared). */
    default boolean multiModal() { return false; }

    default String xName() { return "x"; }

    default String yName() { return "y"; }

    /** A uniform random point of {@link #box()}. */
    default double[] randomStart(SplittableRandom rnd) {
        double[] b = box();
        return new double[] {b[0] + rnd.nextDouble() * (b[1] - b[0]), b[2] + rnd.nextDouble() * (b[3] - b[2])};
    }

    /**
     * The spreadsheet's problem (graddesc.xlsm): fit {@code y = a x + b} by mean squared error to
     * points from known {@code a}, {@code b}, with {@code x} spread over a large range, so the
     * slope's gradient is about mean(x) times the intercept's.
     * <pre>
     *   L(a, b)  = (1/n) sum_i (a x_i + b - y_i)^2,     y_i = a0 x_i + b0
     *   dL/da    = (2/n) sum_i r_i x_i,   dL/db = (2/n) sum_i r_i,     r_i = a x_i + b - y_i
     *   Hessian  = (2/n) [[sum x^2, sum x], [sum x, n]]  (constant; for x in [0, 100] its eigenvalues are ~10^4 apart)
     *   global minimum (a0, b0) with L = 0; the spreadsheet's values a0 = 2, b0 = 30, start (1, 1)
     * </pre>
     * Plain SGD must keep {@code lr < 2 / lambda_max} or it diverges, and at that rate the
     * intercept creeps along the small eigenvalue; per-coordinate scaling (AdaGrad, RMSProp, Adam)
     * rescales the two directions.
     */
    record LineFit(String name, double[] xs, double[] ys, double a0, double b0, double[] box) implements Surface {
        public LineFit {
            if (xs.length != ys.length || xs.length < 2) throw new IllegalArgumentException("line fit: need >= 2 points with x and y");
            xs = xs.clone();
            ys = ys.clone();
            box = box.clone();
        }

        public LineFit(double[] xs, double[] ys, double a0, double b0) {
            this("line_fit", xs, ys, a0, b0, new double[] {0.5, 3.5, -10, 40});
        }

        /**
         * The same points with x standardized, {@code x' = (x - mean) / sd} (population sd), the
         * cure of ../shared/seeds' "gradients scale with the inputs" answer: the fit
         * {@code y = a' x' + b'} has its minimum at {@code a' = a0 sd}, {@code b' = a0 mean + b0},
         * and its Hessian is {@code 2 I}, so one learning rate suits both parameters (plain SGD at
         * lr 0.5 lands on the minimum in one step; anything below 1 converges).
         */
        public LineFit standardized() {
            double mean = 0, sq = 0;
            for (double x : xs) mean += x;
            mean /= xs.length;
            for (double x : xs) sq += (x - mean) * (x - mean);
            double sd = Math.sqrt(sq / xs.length);
            double[] z = new double[xs.length];
            for (int i = 0; i < xs.length; i++) z[i] = (xs[i] - mean) / sd;
            double a = a0 * sd, b = a0 * mean + b0;
            return new LineFit("line_fit_standardized", z, ys, a, b,
                    new double[] {-0.2 * a, 1.3 * a, -0.2 * b, 1.3 * b});
        }

        /** 30 points with x uniform in [0, 100] (seed 7), y = 2x + 30 exactly. */
        public static LineFit spreadsheet() {
            SplittableRandom rnd = new SplittableRandom(7);
            int n = 30;
            double[] x = new double[n], y = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = Math.rint(rnd.nextDouble() * 1000) / 10;   // one decimal, like typed data
                y[i] = 2 * x[i] + 30;
            }
            return new LineFit(x, y, 2, 30);
        }

        @Override public String formula() {
            if (!name.equals("line_fit")) {
                return String.format(Locale.ROOT, "L(a, b) = mean over %d points of (a x' + b - y)^2, x' = the line fit's x standardized"
                        + " (mean 0, sd 1); minimum a = %.4g, b = %.4g", xs.length, a0, b0);
            }
            return String.format(Locale.ROOT, "L(a, b) = mean over %d points of (a x + b - y)^2, x in [0, 100], y = %s x + %s (the spreadsheet's line fit)",
                    xs.length, fmt(a0), fmt(b0));
        }

        @Override public double value(double a, double b) {
            double s = 0;
            for (int i = 0; i < xs.length; i++) {
                double r = a * xs[i] + b - ys[i];
                s += r * r;
            }
            return s / xs.length;
        }

        @Override public void gradient(double a, double b, double[] out) {
            double ga = 0, gb = 0;
            for (int i = 0; i < xs.length; i++) {
                double r = a * xs[i] + b - ys[i];
                ga += r * xs[i];
                gb += r;
            }
            out[0] = 2 * ga / xs.length;
            out[1] = 2 * gb / xs.length;
        }

        /** The eigenvalues {lambda_min, lambda_max} of the (constant) Hessian. */
        public double[] hessianEigenvalues() {
            double sxx = 0, sx = 0;
            for (double x : xs) {
                sxx += x * x;
                sx += x;
            }
            int n = xs.length;
            double p = 2 * sxx / n, q = 2 * sx / n, r = 2;
            double mean = (p + r) / 2, d = Math.sqrt((p - r) * (p - r) / 4 + q * q);
            return new double[] {mean - d, mean + d};
        }

        @Override public double[] minimum() { return new double[] {a0, b0}; }
        @Override public double minimumValue() { return 0; }
        @Override public double threshold() { return 1e-2; }
        @Override public double[] start() { return new double[] {1, 1}; }
        @Override public double[] box() { return box.clone(); }
        @Override public boolean logScale() { return true; }
        @Override public String xName() { return "a (slope)"; }
        @Override public String yName() { return "b (intercept)"; }
    }

    /**
     * Rosenbrock's banana valley (Rosenbrock 1960), ill-conditioned along a curved floor:
     * <pre>
     *   f(x, y) = (1 - x)^2 + 100 (y - x^2)^2
     *   df/dx   = -2 (1 - x) - 400 x (y - x^2),    df/dy = 200 (y - x^2)
     *   global minimum (1, 1) with f = 0; Hessian there [[802, -400], [-400, 200]] (eigenvalues ~1001.6 and ~0.4)
     * </pre>
     * Start (-1.2, 1), the classic one. Momentum carries the step along the floor.
     */
    record Rosenbrock() implements Surface {
        @Override public String name() { return "rosenbrock"; }
        @Override public String formula() { return "f(x, y) = (1 - x)^2 + 100 (y - x^2)^2 (Rosenbrock's valley)"; }
        @Override public double value(double x, double y) {
            double u = 1 - x, v = y - x * x;
            return u * u + 100 * v * v;
        }
        @Override public void gradient(double x, double y, double[] out) {
            double v = y - x * x;
            out[0] = -2 * (1 - x) - 400 * x * v;
            out[1] = 200 * v;
        }
        @Override public double[] minimum() { return new double[] {1, 1}; }
        @Override public double minimumValue() { return 0; }
        @Override public double threshold() { return 1e-4; }
        @Override public double[] start() { return new double[] {-1.2, 1}; }
        @Override public double[] box() { return new double[] {-2, 2, -1, 3}; }
        @Override public boolean logScale() { return true; }
    }

    /**
     * Rastrigin's function in two dimensions (Rastrigin 1974; standard amplitude A = 10): a bowl
     * with a well at every integer point.
     * <pre>
     *   f(x, y) = 2A + x^2 - A cos(2 pi x) + y^2 - A cos(2 pi y)
     *   df/dx   = 2x + 2 pi A sin(2 pi x),    df/dy = 2y + 2 pi A sin(2 pi y)
     *   global minimum (0, 0) with f = 0 (both halves are >= 0 and vanish only there);
     *   local minima near every integer point (k, l) of the box; for A = 10 with f ~ 0.995 (k^2 + l^2),
     *   so the best local minimum is ~0.995, and the threshold, half of it, is reached only inside the global well
     * </pre>
     * The box [-3, 3]^2 holds 49 wells; from a start, plain descent ends in a nearby well. The given
     * start (2.3, -1.7) lies in the well of (2, -2). "rastrigin" is A = 10; "rastrigin_shallow" is
     * A = 4, the same wells at 2/5 of the depth against the same bowl (the wells stay for A >= 1 in the box).
     */
    record Rastrigin(String name, double amplitude) implements Surface {
        /** Rastrigin's standard amplitude ("rastrigin"). */
        public static final double STANDARD = 10;
        /** Shallower wells ("rastrigin_shallow"): a large step no longer resolves them and sees the bowl. */
        public static final double SHALLOW = 4;

        public Rastrigin {
            if (!(amplitude >= 1 && amplitude <= 100)) {
                throw new IllegalArgumentException("Rastrigin amplitude " + amplitude + ": must be in [1, 100] (below 1 the wells next to the minimum vanish)");
            }
        }
        @Override public String formula() {
            String a = fmt(amplitude);
            return "f(x, y) = " + fmt(2 * amplitude) + " + x^2 - " + a + " cos(2 pi x) + y^2 - " + a + " cos(2 pi y) (Rastrigin, A = " + a + ")";
        }
        @Override public double value(double x, double y) {
            return 2 * amplitude + x * x - amplitude * Math.cos(2 * Math.PI * x) + y * y - amplitude * Math.cos(2 * Math.PI * y);
        }
        @Override public void gradient(double x, double y, double[] out) {
            out[0] = 2 * x + 2 * Math.PI * amplitude * Math.sin(2 * Math.PI * x);
            out[1] = 2 * y + 2 * Math.PI * amplitude * Math.sin(2 * Math.PI * y);
        }

        /**
         * The lowest local minimum other than the global one: the well next to it, at
         * {@code (u1, 0)} with {@code u1} near 1 solving {@code 2u + 2 pi A sin(2 pi u) = 0} (Newton).
         */
        public double bestLocalMinimum() {
            double u = 1;
            for (int i = 0; i < 50; i++) {
                double g = 2 * u + 2 * Math.PI * amplitude * Math.sin(2 * Math.PI * u);
                double h = 2 + 4 * Math.PI * Math.PI * amplitude * Math.cos(2 * Math.PI * u);
                u -= g / h;
            }
            return value(u, 0);
        }

        @Override public double[] minimum() { return new double[] {0, 0}; }
        @Override public double minimumValue() { return 0; }
        /** Half the best local minimum: only points deep inside the global well are this low. */
        @Override public double threshold() { return bestLocalMinimum() / 2; }
        @Override public double[] start() { return new double[] {2.3, -1.7}; }
        @Override public double[] box() { return new double[] {-3, 3, -3, 3}; }
        @Override public boolean logScale() { return false; }
        @Override public boolean multiModal() { return true; }
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
