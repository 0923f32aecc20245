package dev.sparsetrain.cli.experiments;

import dev.sparsetrain.cli.ClickRunOptions;
import dev.sparsetrain.cli.ExitCodes;
import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.data.ctr.CtrFileSplit;
import dev.sparsetrain.data.ctr.CtrSchema;
import dev.sparsetrain.data.ctr.DenseTransform;
import dev.sparsetrain.data.ctr.DynamicIdConfig;
import dev.sparsetrain.data.ctr.EncoderConfig;
import dev.sparsetrain.data.ctr.IdMode;
import dev.sparsetrain.data.ctr.IdSpec;
import dev.sparsetrain.data.ctr.SyntheticCtr;
import dev.sparsetrain.models.sparsenn.ModelConfig;
import dev.sparsetrain.models.sparsenn.TrainConfig;
import dev.sparsetrain.options.DynamicIdOptions;
import dev.sparsetrain.options.SyntheticRowsOption;
import dev.sparsetrain.studies.dynamic.DynamicTablesStudy;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Hashing against dynamic embedding tables at equal memory ({@link DynamicTablesStudy}) on the
 * Criteo head, the Avazu head and the synthetic Criteo-shaped generator: test NE per row budget
 * and arm, over seeds, with the dynamic tables' memory and counters.
 */
@Command(name = "dynamic-tables", mixinStandardHelpOptions = true,
        description = "Hashing vs dynamic (collisionless, admission + eviction) embedding tables at equal rows per table: test NE per budget on the Criteo head, the Avazu head and synthetic Criteo-shaped data.")
public final class DynamicTablesCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin ClickRunOptions run = new ClickRunOptions();
    @Mixin DynamicIdOptions dynamic = new DynamicIdOptions();

    @Option(names = "--shared-data", paramLabel = "DIR", defaultValue = "../shared/data", description = "Folder holding criteo-kaggle-dac-head10k and avazu-head10k. Default: ${DEFAULT-VALUE}.")
    Path sharedData;

    @Option(names = "--data-sets", split = ",", defaultValue = "criteo,avazu,synthetic", description = "Subset of criteo, avazu, synthetic. Default: ${DEFAULT-VALUE}.")
    List<String> dataSets;

    @Option(names = "--budgets", split = ",", defaultValue = "300,1000,5000", description = "Rows per feature table (hash buckets = dynamic capacity). Default: ${DEFAULT-VALUE}.")
    List<Integer> budgets;

    @Option(names = "--seeds", defaultValue = "3", description = "Seeds per budget and arm (model initialisation and pass order). Default: ${DEFAULT-VALUE}.")
    int seeds;

    @Mixin SyntheticRowsOption syntheticRows = new SyntheticRowsOption(40_000);

    @Option(names = "--synthetic-ids", defaultValue = "20000", description = "Distinct ids per synthetic feature (Zipf 1.05, Criteo shape: 26 sparse, 13 dense). Default: ${DEFAULT-VALUE}.")
    int syntheticIds;


    @Override
    public Integer call() {
        run.configFile.apply(spec);
        PrintWriter out = spec.commandLine().getOut();
        if (seeds < 1) throw new BadInputException("--seeds " + seeds + ", must be >= 1");
        if (budgets.isEmpty()) throw new BadInputException("--budgets is empty");
        for (int b : budgets) if (b < 2) throw new BadInputException("--budgets " + b + ", every budget must be >= 2 rows");
        if (syntheticRows.rows() < 100) throw new BadInputException("--synthetic-rows " + syntheticRows.rows() + ", must be >= 100");
        if (syntheticIds < 1) throw new BadInputException("--synthetic-ids " + syntheticIds + ", must be >= 1");
        DynamicIdConfig dyn = dynamic.config(2);
        ModelConfig mc = run.model.config();
        TrainConfig tc = run.trainConfig(1);
        int[] b = budgets.stream().mapToInt(Integer::intValue).toArray();
        long[] s = new long[seeds];
        for (int i = 0; i < seeds; i++) s[i] = tc.seed() + i;
        List<DynamicTablesStudy.DataSet> sets = new ArrayList<>();
        for (String name : dataSets) {
            switch (name.trim().toLowerCase(Locale.ROOT)) {
                case "criteo" -> file(sets, "criteo", sharedData.resolve("criteo-kaggle-dac-head10k").resolve("train-10k.txt"), CtrSchema.criteo(), 8000, 2000, dyn, out);
                case "avazu" -> file(sets, "avazu", sharedData.resolve("avazu-head10k").resolve("train-10k.csv"), CtrSchema.avazu(), 8000, 1999, dyn, out);
                case "synthetic" -> sets.add(synthetic(tc.seed()));
                default -> throw new BadInputException("--data-sets '" + name + "', allowed: criteo, avazu, synthetic");
            }
        }
        out.printf("model: %s dim %d; %s; %d pass(es), batch %d, %d threads; dynamic arm: %s; seeds %d..%d%n", mc.type(), mc.embeddingDim(),
                tc.optimizers(), tc.numPasses(), tc.batchSize(),
                tc.threads(), dyn.toString().replace("capacity 2, ", "capacity = budget, "), s[0], s[s.length - 1]);
        List<DynamicTablesStudy.Run> runs = new ArrayList<>();
        for (DynamicTablesStudy.DataSet d : sets) {
            out.println("data " + d.name() + ": " + d.description());
            out.flush();
            runs.addAll(DynamicTablesStudy.run(d, b, s, mc, tc, dyn, out, run.quiet.quiet()));
        }
        out.print(DynamicTablesStudy.table(runs));
        out.flush();
        return ExitCodes.OK;
    }

    private static void file(List<DynamicTablesStudy.DataSet> sets, String name, Path f, CtrSchema schema, int trainRows, int testRows,
                             DynamicIdConfig dyn, PrintWriter out) {
        if (!Files.isRegularFile(f)) {
            out.println("data " + name + ": skipped, " + f + " not found (see --shared-data)");
            return;
        }
        java.util.function.IntFunction<CtrData[]> hashed = b -> split(f, name, schema, trainRows, testRows,
                new EncoderConfig(DenseTransform.LOG1P, b, 0, 0, IdSpec.all(IdMode.HASH, null)));
        java.util.function.IntFunction<CtrData[]> dynamic = b -> split(f, name, schema, trainRows, testRows,
                new EncoderConfig(DenseTransform.LOG1P, b, 0, 0, IdSpec.all(IdMode.DYNAMIC, dyn)));
        sets.add(new DynamicTablesStudy.DataSet(name, f + ": first " + trainRows + " rows train, next " + testRows + " test (file order)", hashed, dynamic));
    }

    private static CtrData[] split(Path f, String format, CtrSchema schema, int trainRows, int testRows, EncoderConfig c) {
        CtrFileSplit s = CtrFileSplit.read(f, format, schema, false, trainRows, testRows, c);
        return new CtrData[] {s.train(), s.test()};
    }

    private DynamicTablesStudy.DataSet synthetic(long seed) {
        SyntheticCtr gen = new SyntheticCtr(SyntheticCtr.Config.criteoShaped(syntheticIds, seed));
        CtrData tr = gen.generate(syntheticRows.rows(), seed + 1).data(), te = gen.generate(syntheticRows.rows() / 2, seed + 2).data();
        boolean[] all = new boolean[tr.numSparse()];
        java.util.Arrays.fill(all, true);
        String desc = String.format(Locale.ROOT, "synthetic Criteo shape: 26 sparse features x %d power-law ids (Zipf 1.05), 13 dense, planted FM "
                + "of rank 4; %d train rows, %d test rows, generator seed %d", syntheticIds, tr.rows(), te.rows(), seed);
        return new DynamicTablesStudy.DataSet("synthetic", desc, b -> new CtrData[] {tr.hashed(b, 0), te.hashed(b, 0)},
                b -> new CtrData[] {tr.withDynamicIds(all, b, 0), te.withDynamicIds(all, b, 0)});
    }
}
