package dev.sparsetrain.options;

import picocli.CommandLine.Option;

/**
 * {@code -k}/{@code --k}: the cut-offs of the ranking metrics (Recall, NDCG, Precision, MAP at K)
 * of {@code train}, {@code evaluate} and {@code SparkBprMain}. Not thread-safe (filled by picocli).
 */
public final class CutoffsOption {
    @Option(names = {"-k", "--k"}, split = ",", defaultValue = "5,10,20", description = "Cut-offs of the ranking metrics. Default: ${DEFAULT-VALUE}.")
    private int[] ks;

    /** The cut-offs given, else 5, 10, 20 (checked by the evaluator). */
    public int[] ks() { return ks; }

    /** The cut-offs, each below 1 refused in one line here (for a caller that evaluates far from the evaluator's own check). */
    public int[] checked() {
        for (int k : ks) if (k < 1) throw new dev.sparsetrain.core.BadInputException("-k " + k + ": cut-offs must be >= 1");
        return ks;
    }
}
