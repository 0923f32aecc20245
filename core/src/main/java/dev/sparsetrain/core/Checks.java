package dev.sparsetrain.core;

/**
 * One-line checks of numeric command-line options, each naming the option, the value and what is
 * allowed ({@link BadInputException}); shared by the command line and the Spark entry points.
 */
public final class Checks {
    private Checks() {}

    /** {@code v >= min}. */
    public static void atLeast(String option, long v, long min) {
        if (v < min) throw new BadInputException(option + " " + v + ": must be >= " + min);
    }

    /** A finite number &gt; 0. */
    public static void positive(String option, double v) {
        if (!(v > 0) || Double.isInfinite(v)) throw new BadInputException(option + " " + v + ": must be a finite number > 0");
    }

    /** A finite number &gt;= 0 (0 meaning off). */
    public static void nonNegative(String option, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) throw new BadInputException(option + " " + v + ": must be a finite number >= 0 (0 = off)");
    }

    /** A probability in [0, 1) (0 meaning off). */
    public static void probability(String option, double v) {
        if (!(v >= 0 && v < 1)) throw new BadInputException(option + " " + v + ": must be in [0, 1) (0 = off)");
    }
}
