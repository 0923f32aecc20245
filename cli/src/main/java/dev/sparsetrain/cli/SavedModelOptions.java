package dev.sparsetrain.cli;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.data.Interactions;
import dev.sparsetrain.data.Split;
import dev.sparsetrain.models.bpr.BprFiles;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;

/** Shared steps of the commands that read a saved model (evaluate, recommend). */
final class SavedModelOptions {
    private SavedModelOptions() {}

    /** Model metadata keys that are data/split options (applied when not given on the command line). */
    static final java.util.Set<String> DATA_KEYS = java.util.Set.of("data", "data-root", "delimiter", "columns", "header", "charset",
            "threshold", "skip-malformed", "split", "test-fraction", "split-seed", "synthetic-users", "synthetic-items", "synthetic-seed");

    static BprFiles.Loaded load(Path model, CommandLine.Model.CommandSpec spec) {
        BprFiles.Loaded l = BprFiles.load(model);
        Map<String, String> dataMeta = new java.util.LinkedHashMap<>();
        for (var e : l.metadata().entrySet()) if (DATA_KEYS.contains(e.getKey())) dataMeta.put(e.getKey(), e.getValue());
        ConfigFile.apply(spec, dataMeta, model + " (metadata)", true);
        return l;
    }

    /** The data's split, re-indexed onto the model's ids. */
    static Split split(RecOptions.Data data, RecOptions.RecData rd, BprFiles.Loaded l) {
        Split s = data.split(rd.all());
        return RecOptions.remap(s, l.users(), l.items());
    }

    static Interactions check(Interactions in, String what) {
        if (in.size() == 0) throw new BadInputException(what + ": no interactions match the model's users and items (was it trained on this data?)");
        return in;
    }
}
