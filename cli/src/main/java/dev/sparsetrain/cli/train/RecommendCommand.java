package dev.sparsetrain.cli.train;

import dev.sparsetrain.cli.ExitCodes;
import dev.sparsetrain.cli.SavedModelOptions;
import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.cli.serve.MappedBprScorer;
import dev.sparsetrain.core.io.AtomicFile;
import dev.sparsetrain.core.io.MappedModel;
import dev.sparsetrain.core.io.ModelFile;
import dev.sparsetrain.core.io.OutputPaths;
import dev.sparsetrain.data.IdMap;
import dev.sparsetrain.data.Interactions;
import dev.sparsetrain.metrics.ranking.Recommendations;
import dev.sparsetrain.metrics.ranking.Scorer;
import dev.sparsetrain.metrics.ranking.TopK;
import dev.sparsetrain.models.bpr.BprFiles;
import dev.sparsetrain.options.ImplicitDataOptions;
import dev.sparsetrain.options.MmapOption;
import dev.sparsetrain.options.ModelFileOption;
import dev.sparsetrain.options.ThreadsOption;
import dev.sparsetrain.options.VerboseOption;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Top-K items from a saved model of any kind (BPR-MF, VBPR, visual-only: read from the file),
 * for one user as a table, or for many users ({@code --users FILE}, {@code --all-users}) as TSV
 * to a file or stdout. VBPR and visual-only models score every item, cold-start items included,
 * from the item projections stored in the file: no feature file is needed.
 *
 * <p>Batch serving runs {@link Recommendations} on {@code --threads} threads; the rows come out
 * in the order of the users asked for, whatever the thread count, and the file is written
 * atomically (never half-written). The ranking (score descending, ties by lower item index) is
 * the one {@code evaluate} scores.
 */
@Command(name = "recommend", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Top-K items from a saved model (bpr, vbpr or visual: the kind is read from the file): "
                + "for one user (--user) as a table with titles when the dataset has them, or for many users (--users FILE, --all-users) "
                + "as TSV (user, rank, item, score) to --out or stdout.",
                "Items the user interacted with in training are left out (the data is re-read as recorded in the model file)."})
public final class RecommendCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin ModelFileOption model = new ModelFileOption();

    /** Exactly one of the three ways to name the users. */
    static final class Who {
        @Option(names = "--user", required = true, paramLabel = "ID",
                description = "One user's id as in the data file (e.g. 196; for vbpr/visual data the 0-based user index): a table on stdout.")
        String user;

        @Option(names = "--users", required = true, paramLabel = "FILE",
                description = "A file of user ids, one per line (blank lines and lines starting with # are skipped): TSV, in the file's order.")
        Path usersFile;

        @Option(names = "--all-users", required = true, description = "Every user the model knows, in index order: TSV.")
        boolean allUsers;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Who who;

    @Option(names = {"-k", "--k"}, defaultValue = "10", description = "How many items per user. Default: ${DEFAULT-VALUE}.")
    int k;

    @Option(names = "--include-seen", description = "Also recommend items the user interacted with in training. Default: false.")
    boolean includeSeen;

    @Option(names = "--out", paramLabel = "FILE", description = "--users/--all-users: write the TSV here (atomically). Default: stdout.")
    Path out;

    @Mixin MmapOption mmap = new MmapOption();

    @Mixin ThreadsOption threads = new ThreadsOption();

    @Mixin ImplicitDataOptions data = new ImplicitDataOptions();

    @Mixin SavedModelOptions.Vbpr vbprFiles = new SavedModelOptions.Vbpr();

    @Mixin VerboseOption verbose = new VerboseOption();

    @Override
    public Integer call() {
        if (k < 1) throw new BadInputException("-k " + k + ", must be >= 1");
        boolean batch = who.user == null;
        if (!batch && out != null) throw new BadInputException("--out: only with --users FILE or --all-users (--user prints a table)");
        if (!batch && threads.given() != null) throw new BadInputException("--threads: only with --users FILE or --all-users");
        threads.checkAtMost(256);
        if (who.usersFile != null && !Files.isReadable(who.usersFile)) throw new BadInputException("--users " + who.usersFile + ": no such readable file");
        if (out != null) OutputPaths.requireFile("--out", out);
        PrintWriter w = spec.commandLine().getOut();
        Path file = model.file();
        Recommender r = mmap.use(file) ? loadMapped(file, spec, data, includeSeen) : load(file, SavedModelOptions.read(file), spec, data, vbprFiles, includeSeen);
        if (batch) return serve(r.scorer(), r.users(), r.items(), r.train(), r.title());
        int u = userIndex(r.users(), who.user, "--user '" + who.user + "'");
        float[] scores = new float[r.items().size()];
        r.scorer().scoreAll(u, scores);
        print(w, r.items(), scores, r.train(), u, r.title());
        return ExitCodes.OK;
    }

    /**
     * A saved recommender ready to score: its scorer (thread-safe), id maps, the training items to
     * leave out (null with {@code includeSeen}), item titles (null when the data has none) and the
     * kind of model ("BPR-MF", "VBPR", "visual-only").
     */
    public record Recommender(Scorer scorer, IdMap users, IdMap items, Interactions train, UnaryOperator<String> title, String kind) {}

    /**
     * Loads a BPR-MF, VBPR or visual-only model file with the data it was trained on (re-read as
     * recorded in the file, or as the data options given say), refusing options of the other kind.
     */
    public static Recommender load(Path model, ModelFile.Contents c, CommandLine.Model.CommandSpec spec, ImplicitDataOptions data,
                            SavedModelOptions.Vbpr vbprFiles, boolean includeSeen) {
        SavedModelOptions.refuseForeignOptions(spec, model, c);
        if (SavedModelOptions.isVbpr(c)) {
            var v = SavedModelOptions.vbpr(model, c, spec, data, vbprFiles.features, vbprFiles.syntheticDim);
            return new Recommender(v.model().scorer(), v.loaded().users(), v.loaded().items(), includeSeen ? null : v.train(),
                    null, SavedModelOptions.kindLabel(c));   // no titles in VBPR data
        }
        BprFiles.Loaded l = SavedModelOptions.load(model, c, spec);
        ImplicitDataOptions.Loaded rd = data.load(); // for the training items to leave out, and the titles
        Interactions train = includeSeen ? null : SavedModelOptions.split(data, rd, l).train();
        return new Recommender(l.model(), l.users(), l.items(), train, rd.hasTitles() ? rd::title : null, SavedModelOptions.kindLabel(c));
    }


    /**
     * A BPR-MF model file served memory-mapped ({@link MappedModel}, checksum verified by
     * streaming through the mapping): its id maps and header on the heap, its tables in the page
     * cache, scored by {@link MappedBprScorer} (the same top-K as {@link #load}). The mapping
     * stays open for the life of the process. Other kinds are refused in one line.
     */
    public static Recommender loadMapped(Path model, CommandLine.Model.CommandSpec spec, ImplicitDataOptions data, boolean includeSeen) {
        MappedModel mm = MappedModel.open(model);
        ModelFile.Contents h = mm.header();
        if (!h.modelType().equals(BprFiles.TYPE)) {
            mm.close();
            throw new BadInputException(model + ": --mmap serves BPR-MF model files; this is a '" + h.modelType() + "' model (drop --mmap)");
        }
        SavedModelOptions.refuseForeignOptions(spec, model, h);
        mm.verifyChecksum();
        MappedBprScorer scorer = new MappedBprScorer(model.toString(), mm);
        IdMap users = IdMap.of(h.idMap("users")), items = IdMap.of(h.idMap("items"));
        if (users.size() != scorer.numUsers() || items.size() != scorer.numItems()) {
            throw new BadInputException(model + ": damaged BPR-MF model (" + users.size() + " user ids for " + scorer.numUsers() + " rows, "
                    + items.size() + " item ids for " + scorer.numItems() + ")");
        }
        java.util.Map<String, String> dataMeta = new java.util.LinkedHashMap<>();
        for (var e : h.metadata().entrySet()) if (SavedModelOptions.DATA_KEYS.contains(e.getKey())) dataMeta.put(e.getKey(), e.getValue());
        dev.sparsetrain.cli.ConfigFile.apply(spec, dataMeta, model + " (metadata)", true);
        ImplicitDataOptions.Loaded rd = data.load();
        Interactions train = includeSeen ? null : ImplicitDataOptions.remap(data.split(rd.all()), users, items).train();
        return new Recommender(scorer, users, items, train, rd.hasTitles() ? rd::title : null, "BPR-MF (memory-mapped)");
    }

    static int userIndex(IdMap users, String id, String where) {
        int u = users.indexOf(id);
        if (u < 0) {
            throw new BadInputException(where + ": unknown user; the model knows " + users.size() + " users (ids such as "
                    + String.join(", ", users.ids().subList(0, Math.min(3, users.size()))) + ")");
        }
        return u;
    }

    /** The users asked for, as indices, in order; every id checked before any scoring. */
    private int[] batchUsers(IdMap users) {
        if (who.allUsers) {
            int[] all = new int[users.size()];
            for (int u = 0; u < all.length; u++) all[u] = u;
            return all;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(who.usersFile, StandardCharsets.UTF_8);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new BadInputException("--users " + who.usersFile + ": not UTF-8 text (user ids are read as UTF-8; convert the file, e.g. iconv -t UTF-8)");
        } catch (IOException | UncheckedIOException e) {
            throw new BadInputException("--users " + who.usersFile + ": cannot be read (" + e.getMessage() + ")");
        }
        List<Integer> idx = new ArrayList<>();
        for (int n = 0; n < lines.size(); n++) {
            String id = lines.get(n);
            if (n == 0 && id.startsWith("\uFEFF")) id = id.substring(1);   // a byte-order mark (Windows editors)
            id = id.strip();
            if (id.isEmpty() || id.startsWith("#")) continue;
            idx.add(userIndex(users, id, who.usersFile + ":" + (n + 1) + ": user '" + id + "'"));
        }
        if (idx.isEmpty()) throw new BadInputException("--users " + who.usersFile + ": no user ids (one per line)");
        int[] a = new int[idx.size()];
        for (int x = 0; x < a.length; x++) a[x] = idx.get(x);
        return a;
    }

    /** Batch mode: TSV rows user, rank, item, score (and title), to --out atomically or to stdout. */
    private int serve(Scorer scorer, IdMap users, IdMap items, Interactions train, UnaryOperator<String> title) {
        int[] us = batchUsers(users);
        int nThreads = threads.threadsOrAvailable();
        List<Interactions> exclude = train == null ? List.of() : List.of(train);
        long t0 = System.nanoTime();
        long[] rows = new long[1];
        TsvBody body = wr -> {
            wr.write(title != null ? "user\trank\titem\tscore\ttitle\n" : "user\trank\titem\tscore\n");
            StringBuilder sb = new StringBuilder(256);
            Recommendations.forUsers(scorer, us, exclude, k, nThreads, (u, it, sc, cnt) -> {
                String uid = users.id(u);
                for (int r = 0; r < cnt; r++) {
                    String iid = items.id(it[r]);
                    sb.setLength(0);
                    sb.append(uid).append('\t').append(r + 1).append('\t').append(iid).append('\t').append(sc[r]);
                    if (title != null) sb.append('\t').append(title.apply(iid));
                    sb.append('\n');
                    wr.append(sb);
                }
                rows[0] += cnt;
            });
            wr.flush();
        };
        try {
            if (out != null) {
                AtomicFile.write(out, false, os -> body.writeTo(new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8), 1 << 16)));
            } else {
                body.writeTo(spec.commandLine().getOut());
            }
        } catch (IOException e) {
            throw new BadInputException((out != null ? "--out " + out : "stdout") + ": cannot be written (" + e.getMessage() + ")");
        }
        double sec = (System.nanoTime() - t0) / 1e9;
        spec.commandLine().getErr().printf(Locale.ROOT, "top %d for %d users (%d rows) in %.2f s, %.0f users/s on %d thread%s%s%n",
                k, us.length, rows[0], sec, us.length / Math.max(sec, 1e-9), nThreads, nThreads == 1 ? "" : "s", out != null ? ", written to " + out : "");
        return ExitCodes.OK;
    }

    @FunctionalInterface
    private interface TsvBody {
        void writeTo(Writer w) throws IOException;
    }

    /**
     * The top-k of {@code scores} outside the user's training items (ties by item index), one line
     * each; a title column only when {@code title} is not null.
     */
    private void print(PrintWriter w, IdMap items, float[] scores, Interactions train, int u, UnaryOperator<String> title) {
        int n = items.size();
        boolean[] seen = new boolean[n];
        if (train != null) for (int i : train.itemsOf(u)) seen[i] = true;
        int seenCount = 0;
        for (boolean b : seen) if (b) seenCount++;
        int[] top = TopK.select(scores, seen, k);
        w.printf(Locale.ROOT, "top %d for user %s (%d items seen in training left out)%n", top.length, who.user, seenCount);
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
}
