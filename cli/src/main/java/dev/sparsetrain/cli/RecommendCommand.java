package dev.sparsetrain.cli;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.io.ModelFile;
import dev.sparsetrain.data.IdMap;
import dev.sparsetrain.data.Interactions;
import dev.sparsetrain.data.Split;
import dev.sparsetrain.models.bpr.BprFiles;
import dev.sparsetrain.models.vbpr.VbprEvaluator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
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

    @Mixin RecOptions.Data data = new RecOptions.Data();

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
            print(w, v.loaded().items(), scores, includeSeen ? null : v.train(), u, id -> "");
            return ExitCodes.OK;
        }
        BprFiles.Loaded l = SavedModelOptions.load(model, c, spec);
        int u = userIndex(l.users());
        RecOptions.RecData rd = data.load(); // for the training items to leave out, and the titles
        Interactions train = includeSeen ? null : SavedModelOptions.split(data, rd, l).train();
        float[] scores = new float[l.items().size()];
        l.model().scoreAll(u, scores);
        print(w, l.items(), scores, train, u, rd::title);
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

    /** The top-k of {@code scores} outside the user's training items (ties by item index), one line each. */
    private void print(PrintWriter w, IdMap items, float[] scores, Interactions train, int u, UnaryOperator<String> title) {
        int n = items.size();
        boolean[] seen = new boolean[n];
        if (train != null) for (int i : train.itemsOf(u)) seen[i] = true;
        Integer[] order = new Integer[n];
        int c = 0;
        for (int i = 0; i < n; i++) if (!seen[i]) order[c++] = i;
        Integer[] cand = Arrays.copyOf(order, c);
        Arrays.sort(cand, (a, b) -> scores[a] != scores[b] ? Float.compare(scores[b], scores[a]) : Integer.compare(a, b));
        int seenCount = n - c;
        w.printf(Locale.ROOT, "top %d for user %s (%d items seen in training left out)%n", Math.min(k, c), user, seenCount);
        w.printf(Locale.ROOT, "%4s  %-10s %8s  %s%n", "rank", "item", "score", "title");
        for (int r = 0; r < Math.min(k, c); r++) {
            int i = cand[r];
            String id = items.id(i);
            w.printf(Locale.ROOT, "%4d  %-10s %8.4f  %s%n", r + 1, id, scores[i], title.apply(id));
        }
        w.flush();
    }
}
