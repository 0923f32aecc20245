package dev.sparsetrain.optim;

/**
 * Diagnostics of one parameter group over a period (one step, or an epoch: everything reported
 * since the last {@link Optimizer#endEpoch()}).
 *
 * @param group               the group's name
 * @param steps               optimizer steps of the group in the period (batch path; per-row path: the
 *                            spread of the step numbers seen)
 * @param rowsUpdated         row updates applied (a row updated in two steps counts twice)
 * @param gradientNorm        sqrt of the sum of squared pre-clip gradient norms of the updated rows
 * @param updateNorm          sqrt of the sum of squared update norms ({@code w_before - w_after})
 * @param updateToWeightRatio updateNorm / (norm of the updated rows after their update)
 * @param meanEffectiveLr     mean over updated rows of the row's mean {@code lr_t / denominator}
 *                            (plain SGD: {@code lr_t}; Adam: {@code lr_t/(1-beta1^t) / (sqrt(v_hat)+eps)}),
 *                            the row's mean taken over elements with a gradient history (adaptive
 *                            optimizers: an element whose state is still 0 has never moved); small
 *                            gradients give large values by design (the adaptive step divides by them)
 * @param fractionRowsTouched distinct rows updated in the period / rows of the group's tables
 * @param nonFiniteGradients  gradient rows with a NaN or infinity, counted and skipped
 * @param lastClipNorm        the pre-clip global norm of the last batch step (NaN without global clipping)
 */
public record GroupDiagnostics(String group, long steps, long rowsUpdated, double gradientNorm, double updateNorm,
                               double updateToWeightRatio, double meanEffectiveLr, double fractionRowsTouched,
                               long nonFiniteGradients, double lastClipNorm) {

    /** Root-mean-square of the per-row gradient norms. */
    public double rmsRowGradientNorm() {
        return rowsUpdated == 0 ? 0 : gradientNorm / Math.sqrt(rowsUpdated);
    }

    /**
     * The figures of one group whose tables are split over several optimizers (disjoint tables,
     * e.g. the shards of a data-parallel trainer), as if one optimizer had held them all: norms
     * add in squares, row counts add, the effective learning rate is averaged over row updates,
     * the touched fraction over rows, and steps is the largest of the parts.
     *
     * @param parts     the group's figures from each optimizer, over the same period
     * @param partRows  the number of rows of the group's tables in each optimizer
     */
    public static GroupDiagnostics combine(java.util.List<GroupDiagnostics> parts, long[] partRows) {
        if (parts.isEmpty() || parts.size() != partRows.length) {
            throw new IllegalArgumentException(parts.size() + " parts and " + partRows.length + " row counts");
        }
        String name = parts.get(0).group();
        long steps = 0, rows = 0, nonFinite = 0, totalRows = 0;
        double g2 = 0, u2 = 0, w2 = 0, lrSum = 0, touched = 0, clip = Double.NaN;
        for (int p = 0; p < parts.size(); p++) {
            GroupDiagnostics d = parts.get(p);
            if (!d.group().equals(name)) throw new IllegalArgumentException("groups '" + name + "' and '" + d.group() + "'");
            steps = Math.max(steps, d.steps());
            rows += d.rowsUpdated();
            nonFinite += d.nonFiniteGradients();
            g2 += d.gradientNorm() * d.gradientNorm();
            u2 += d.updateNorm() * d.updateNorm();
            if (d.updateToWeightRatio() > 0) {
                double w = d.updateNorm() / d.updateToWeightRatio();
                w2 += w * w;
            }
            lrSum += d.meanEffectiveLr() * d.rowsUpdated();
            touched += d.fractionRowsTouched() * partRows[p];
            totalRows += partRows[p];
            if (!Double.isNaN(d.lastClipNorm())) clip = Double.isNaN(clip) ? d.lastClipNorm() : Math.hypot(clip, d.lastClipNorm());
        }
        double un = Math.sqrt(u2), wn = Math.sqrt(w2);
        return new GroupDiagnostics(name, steps, rows, Math.sqrt(g2), un, wn > 0 ? un / wn : 0, rows > 0 ? lrSum / rows : 0,
                totalRows > 0 ? touched / totalRows : 0, nonFinite, clip);
    }

    /**
     * Flags the groups whose update-to-weight ratio is more than {@code factor} times away from
     * the median ratio of the groups that moved (ratio &gt; 0): {@code +1} too fast, {@code -1} too
     * slow, {@code 0} within range or not moving (frozen groups are not judged).
     */
    public static int[] flagImbalance(java.util.List<GroupDiagnostics> groups, double factor) {
        int[] flags = new int[groups.size()];
        double med = medianUpdateToWeight(groups);
        if (groups.stream().filter(g -> g.updateToWeightRatio() > 0).count() < 2) return flags;
        for (int i = 0; i < flags.length; i++) {
            double x = groups.get(i).updateToWeightRatio();
            if (x <= 0) continue;
            flags[i] = x > factor * med ? 1 : x < med / factor ? -1 : 0;
        }
        return flags;
    }

    /**
     * The median update-to-weight ratio over the groups that moved (ratio &gt; 0), the geometric
     * mean of the middle two for an even count (as {@code diagnose} and auto-balance use); NaN
     * when no group moved.
     */
    public static double medianUpdateToWeight(java.util.List<GroupDiagnostics> groups) {
        double[] r = groups.stream().mapToDouble(GroupDiagnostics::updateToWeightRatio).filter(x -> x > 0).sorted().toArray();
        if (r.length == 0) return Double.NaN;
        return r.length % 2 == 1 ? r[r.length / 2] : Math.sqrt(r[r.length / 2 - 1] * r[r.length / 2]);
    }

    /**
     * Groups whose gradient is far above the others': the RMS gradient norm per updated row
     * ({@link #rmsRowGradientNorm()}: a group's total norm grows with its row count, the per-row
     * figure does not) more than {@code factor} times the median over the groups with updates.
     * This is the seeds' failure (one group's gradient 100x the rest's) seen before it shows in the
     * updates: an adaptive optimizer hides it in the update-to-weight ratio, plain SGD does not.
     */
    public static boolean[] flagLargeGradients(java.util.List<GroupDiagnostics> groups, double factor) {
        boolean[] flags = new boolean[groups.size()];
        double[] r = groups.stream().filter(g -> g.rowsUpdated() > 0).mapToDouble(GroupDiagnostics::rmsRowGradientNorm).sorted().toArray();
        if (r.length < 2) return flags;
        double med = r.length % 2 == 1 ? r[r.length / 2] : Math.sqrt(r[r.length / 2 - 1] * r[r.length / 2]);
        for (int i = 0; i < flags.length; i++) {
            GroupDiagnostics g = groups.get(i);
            flags[i] = g.rowsUpdated() > 0 && med > 0 && g.rmsRowGradientNorm() > factor * med;
        }
        return flags;
    }

    /**
     * The verdict on each group, one short phrase: {@code not moving}, {@code FAST (12x the median)}
     * or {@code SLOW (...)} for an update-to-weight ratio more than {@code factor} from the median,
     * {@code LARGE GRADIENT (35x the median per row)}, both joined when both hold, else {@code ok}.
     */
    public static java.util.List<String> verdicts(java.util.List<GroupDiagnostics> groups, double factor) {
        int[] ratio = flagImbalance(groups, factor);
        boolean[] grad = flagLargeGradients(groups, factor);
        double med = medianUpdateToWeight(groups);
        double[] r = groups.stream().filter(g -> g.rowsUpdated() > 0).mapToDouble(GroupDiagnostics::rmsRowGradientNorm).sorted().toArray();
        double gmed = r.length == 0 ? Double.NaN : r.length % 2 == 1 ? r[r.length / 2] : Math.sqrt(r[r.length / 2 - 1] * r[r.length / 2]);
        java.util.List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            GroupDiagnostics g = groups.get(i);
            java.util.List<String> v = new java.util.ArrayList<>();
            if (g.updateToWeightRatio() == 0) v.add("not moving");
            else if (ratio[i] != 0) {
                v.add(String.format(java.util.Locale.ROOT, "%s (%.0fx the median update/weight)", ratio[i] > 0 ? "FAST" : "SLOW",
                        ratio[i] > 0 ? g.updateToWeightRatio() / med : med / g.updateToWeightRatio()));
            }
            if (grad[i]) v.add(String.format(java.util.Locale.ROOT, "LARGE GRADIENT (%.0fx the median per row)", g.rmsRowGradientNorm() / gmed));
            out.add(v.isEmpty() ? "ok" : String.join(", ", v));
        }
        return out;
    }

    /** One line for logs. */
    public String describe() {
        return String.format(java.util.Locale.ROOT,
                "%s: steps=%d rows=%d |g|=%.4g |u|=%.4g |u|/|w|=%.3g lr_eff=%.4g touched=%.4f non-finite=%d",
                group, steps, rowsUpdated, gradientNorm, updateNorm, updateToWeightRatio, meanEffectiveLr,
                fractionRowsTouched, nonFiniteGradients);
    }
}
