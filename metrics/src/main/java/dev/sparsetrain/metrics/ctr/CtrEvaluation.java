package dev.sparsetrain.metrics.ctr;

/**
 * Metrics of click predictions on one set of samples.
 *
 * @param count samples
 * @param clickRate observed click rate of these samples
 * @param meanPrediction mean predicted click probability
 * @param logloss mean negative log-likelihood (natural log)
 * @param backgroundCtr the click rate whose entropy normalizes NE
 * @param ne normalized entropy: {@code logloss / H(backgroundCtr)}; below 1 beats predicting the background rate
 * @param auc ROC AUC (ties count one half); NaN when only one class is present
 * @param calibration mean prediction over observed click rate (1 is calibrated); NaN without clicks
 */
public record CtrEvaluation(long count, double clickRate, double meanPrediction, double logloss, double backgroundCtr,
                            double ne, double auc, double calibration) {

    public String format() {
        return String.format(java.util.Locale.ROOT, "n=%d ctr=%.4f NE=%s logloss=%s AUC=%s calib=%s", count, clickRate, num(ne, 4),
                num(logloss, 4), num(auc, 4), num(calibration, 3));
    }

    /** A figure to {@code digits} decimals, or "-" when undefined (NaN: an empty stratum, AUC without both classes). */
    private static String num(double v, int digits) {
        return Double.isFinite(v) ? String.format(java.util.Locale.ROOT, "%." + digits + "f", v) : "-";
    }
}
