package dev.sparsetrain.cli;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.io.ModelFile;
import dev.sparsetrain.data.IdMap;
import dev.sparsetrain.data.Interactions;
import dev.sparsetrain.data.Split;
import dev.sparsetrain.models.bpr.BprFiles;
import dev.sparsetrain.models.vbpr.VbprEvaluator;
import dev.sparsetrain.options.ImplicitDataOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Prints the top-K items for a user from a saved model of any kind (BPR-MF, VBPR, visual-only:
 * read from the file). VBPR and visual-only models score every item, cold-start items included,
 * from the item projections stored in the file: no feature file is needed.
 */
@Command(name = "recommend", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Prints the top-K items for a user from a saved model (bpr, vbpr or visual: the kind is read from the file), "
                + "with titles when the dataset has them.",
                "Items the user interacted with in training are left out (the data is re-read as recorded in the model file)."})
public final class RecommendCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "Model file written by train (any --model).")
    Path model;

    @Option(names = "--user", required = true, paramLabel = "ID", description = "The user's id as in the data file (e.g. 196; for vbpr/visual data the 0-based user index).")
    String user;

    @Option(names = {"-k", "--k"}, defaultValue = "10", description = "How many items. Default: ${DEFAULT-VALUE}.")
    int k;

    @Option(names = "--include-seen", description = "Also recommend items the user interacted with in training. Default: false.")
    boolean includeSeen;

    @Mixin ImplicitDataOptions data = new ImplicitDataOptions();

    @Option(names = "--features", paramLabel = "FILE",
            description = "vbpr/visual only: raw item features to recompute the item projections from (with the preprocessing saved in the model). "
                    + "Needed only for files written before the projections were stored. Default: none, the stored projections are used.")
    Path features;

    @Option(names = "--synthetic-dim", paramLabel = "F", description = "vbpr/visual only: feature dimension of synthetic data. Default: as recorded in the model file.")
    Integer syntheticDim;

    @Option(names = "--verbose", description = "Stack traces on errors.")
    boolean verbose;

    @Override
    public Integer call() {
        if (k < 1) throw new BadInputException("-k " + k + ", must be >= 1");
        PrintWriter w = spec.commandLine().getOut();
        ModelFile.Contents c = SavedModelOptions.read(model);
        SavedModelOptions.refuseForeignOptions(spec, model, c);
        if (SavedModelOptions.isVbpr(c)) {
            var v = SavedModelOptions.vbpr(model, c, spec, data, features, syntheticDim);
            int u = userIndex(v.loaded().users());
            float[] scores = new float[v.model().items()];
            VbprEvaluator.scorer(v.model()).scoreAll(u, scores);
            print(w, v.loaded().items(), scores, includeSeen ? null : v.train(), u, null);   // no titles in VBPR data
            return ExitCodes.OK;
        }
        BprFiles.Loaded l = SavedModelOptions.load(model, c, spec);
        int u = userIndex(l.users());
        ImplicitDataOptions.Loaded rd = data.load(); // for the training items to leave out, and the titles
        Interactions train = includeSeen ? null : SavedModelOptions.split(data, rd, l).train();
        float[] scores = new float[l.items().size()];
        l.model().scoreAll(u, scores);
        print(w, l.items(), scores, train, u, rd.hasTitles() ? rd::title : null);
        return ExitCodes.OK;
    }

    private int userIndex(IdMap users) {
        int u = users.indexOf(user);
        if (u < 0) {
            throw new BadInputException("--user '" + user + "': unknown user; the model knows " + users.size() + " users (ids such as "
                    + String.join(", ", users.ids().subList(0, Math.min(3, users.size()))) + ")");
        }
        return u;
    }

    /**
     * The top-k of {@code scores} outside the user's training items (ties by item index), one line
     * each; a title column only when {@code title} is not null. Selection keeps a k-entry heap
     * (O(n log k), no boxing), so serving from a large catalogue does not sort it.
     */
    private void print(PrintWriter w, IdMap items, float[] scores, Interactions train, int u, UnaryOperator<String> title) {
        int n = items.size();
        boolean[] seen = new boolean[n];
        if (train != null) for (int i : train.itemsOf(u)) seen[i] = true;
        int seenCount = 0;
        for (boolean b : seen) if (b) seenCount++;
        int[] top = topK(scores, seen, Math.min(k, n - seenCount));
        w.printf(Locale.ROOT, "top %d for user %s (%d items seen in training left out)%n", top.length, user, seenCount);
        if (title != null) w.printf(Locale.ROOT, "%4s  %-10s %8s  %s%n", "rank", "item", "score", "title");
        else w.printf(Locale.ROOT, "%4s  %-10s %8s%n", "rank", "item", "score");
        for (int r = 0; r < top.length; r++) {
            int i = top[r];
            String id = items.id(i);
            if (title != null) w.printf(Locale.ROOT, "%4d  %-10s %8.4f  %s%n", r + 1, id, scores[i], title.apply(id));
            else w.printf(Locale.ROOT, "%4d  %-10s %8.4f%n", r + 1, id, scores[i]);
        }
        w.flush();
    }

    /** Whether item a ranks before item b: higher score first, then lower index. */
    private static boolean before(float[] s, int a, int b) {
        return s[a] != s[b] ? s[a] > s[b] : a < b;
    }

    /** The k best unseen items in rank order, with a min-heap of size k (its root is the worst kept). */
    static int[] topK(float[] s, boolean[] seen, int k) {
        int[] h = new int[Math.max(k, 0)];
        int size = 0;
        for (int i = 0; i < s.length && k > 0; i++) {
            if (seen[i]) continue;
            if (size < k) {
                int c = size++;
                h[c] = i;
                while (c > 0 && before(s, h[(c - 1) / 2], h[c])) {   // the parent ranks better: the worse moves up
                    int p = (c - 1) / 2, t = h[p];
                    h[p] = h[c];
                    h[c] = t;
                    c = p;
                }
            } else if (before(s, i, h[0])) {
                h[0] = i;
                siftDown(s, h, size);
            }
        }
        int[] out = new int[size];
        for (int r = size - 1; r >= 0; r--) {   // the worst comes off first and goes last
            out[r] = h[0];
            h[0] = h[--size];
            siftDown(s, h, size);
        }
        return out;
    }

    /** Restores the heap from the root down: every parent ranks no better than its children. */
    private static void siftDown(float[] s, int[] h, int size) {
        for (int c = 0;;) {
            int l = 2 * c + 1, r = l + 1, m = c;
            if (l < size && before(s, h[m], h[l])) m = l;
            if (r < size && before(s, h[m], h[r])) m = r;
            if (m == c) return;
            int t = h[m];
            h[m] = h[c];
            h[c] = t;
            c = m;
        }
    }
}
