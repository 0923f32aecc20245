package dev.sparsetrain.cli;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.data.Split;
import dev.sparsetrain.models.bpr.BprFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Prints the top-K items for a user from a saved model. */
@Command(name = "recommend", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Prints the top-K items for a user from a saved model, with titles when the dataset has them.",
                "Items the user interacted with in training are left out (the data is re-read as recorded in the model file)."})
public final class RecommendCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "Model file written by train.")
    Path model;

    @Option(names = "--user", required = true, paramLabel = "ID", description = "The user's id as in the data file (e.g. 196).")
    String user;

    @Option(names = {"-k", "--k"}, defaultValue = "10", description = "How many items. Default: ${DEFAULT-VALUE}.")
    int k;

    @Option(names = "--include-seen", description = "Also recommend items the user interacted with in training. Default: false.")
    boolean includeSeen;

    @Mixin RecOptions.Data data = new RecOptions.Data();

    @Option(names = "--verbose", description = "Stack traces on errors.")
    boolean verbose;

    @Override
    public Integer call() {
        if (k < 1) throw new BadInputException("-k " + k + ", must be >= 1");
        PrintWriter w = spec.commandLine().getOut();
        BprFiles.Loaded l = SavedModelOptions.load(model, spec);
        int u = l.users().indexOf(user);
        if (u < 0) {
            throw new BadInputException("--user '" + user + "': unknown user; the model knows " + l.users().size() + " users (ids such as "
                    + String.join(", ", l.users().ids().subList(0, Math.min(3, l.users().size()))) + ")");
        }
        int n = l.items().size();
        boolean[] seen = new boolean[n];
        RecOptions.RecData rd = data.load(); // for the training items to leave out, and the titles
        if (!includeSeen) {
            Split s = SavedModelOptions.split(data, rd, l);
            for (int i : s.train().itemsOf(u)) seen[i] = true;
        }
        float[] scores = new float[n];
        l.model().scoreAll(u, scores);
        Integer[] order = new Integer[n];
        int c = 0;
        for (int i = 0; i < n; i++) if (!seen[i]) order[c++] = i;
        Integer[] cand = Arrays.copyOf(order, c);
        Arrays.sort(cand, (a, b) -> scores[a] != scores[b] ? Float.compare(scores[b], scores[a]) : Integer.compare(a, b));
        int seenCount = 0;
        for (boolean b : seen) if (b) seenCount++;
        w.printf(Locale.ROOT, "top %d for user %s (%d items seen in training left out)%n", Math.min(k, c), user, seenCount);
        w.printf(Locale.ROOT, "%4s  %-10s %8s  %s%n", "rank", "item", "score", "title");
        for (int r = 0; r < Math.min(k, c); r++) {
            int i = cand[r];
            String id = l.items().id(i);
            String title = rd.title(id);
            w.printf(Locale.ROOT, "%4d  %-10s %8.4f  %s%n", r + 1, id, scores[i], title);
        }
        w.flush();
        return ExitCodes.OK;
    }
}
