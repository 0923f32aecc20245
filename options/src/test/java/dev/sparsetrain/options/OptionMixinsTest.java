package dev.sparsetrain.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.models.bpr.BprConfig;
import dev.sparsetrain.models.sparsenn.ModelConfig;
import dev.sparsetrain.models.sparsenn.TrainConfig;
import dev.sparsetrain.models.train.TrainerConfig;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The mixins in a bare command: defaults equal the config records' defaults, bad values are refused by option name. */
class OptionMixinsTest {
    @Command(name = "bpr")
    static final class Bpr {
        @Mixin ImplicitDataOptions data = new ImplicitDataOptions();
        @Mixin BprOptions bpr = new BprOptions();
        @Mixin PositivesOption positives = new PositivesOption();
    }

    @Command(name = "ctr")
    static final class Ctr {
        @Mixin ClickDataOptions data = new ClickDataOptions();
        @Mixin ClickModelOptions model = new ClickModelOptions();
        @Mixin ClickTrainOptions train = new ClickTrainOptions();
    }

    static <T> T parse(T command, String... args) {
        new CommandLine(command).parseArgs(args);
        return command;
    }

    static String refusal(Function<Ctr, Object> step, String... args) {
        Ctr c = parse(new Ctr(), args);
        return assertThrows(BadInputException.class, () -> step.apply(c), String.join(" ", args)).getMessage();
    }

    @Test
    void defaultsAreTheConfigRecordsDefaults() {
        Bpr b = parse(new Bpr());
        assertEquals(BprConfig.defaults(), b.bpr.config("sgd"));
        assertEquals("synthetic", b.data.data());
        assertEquals("loo", b.data.metadata().get("split"));
        Ctr c = parse(new Ctr());
        assertEquals(TrainConfig.defaults().toBuilder().threads(3).build(), c.train.config(1, 3));
        ModelConfig mc = c.model.config();
        assertEquals(ModelConfig.Type.SPARSENN, mc.type());
        assertEquals(16, mc.embeddingDim());
    }

    @Test
    void valuesReachTheConfigs() {
        Bpr b = parse(new Bpr(), "--factors", "8", "--lr", "0.05", "--final-lr", "1", "--split", "user-ratio", "--test-fraction", "0.3",
                "--bias-optimizer", "adagrad", "--positives", "pairs");
        BprConfig bc = b.bpr.config("adam");
        assertEquals(dev.sparsetrain.optim.OptimizerSpec.Kind.ADAGRAD, bc.biasOptimizer().kind());
        assertEquals(TrainerConfig.PositiveSampling.PAIRS, b.positives.sampling());
        assertEquals(8, bc.factors());
        assertEquals(0.05, bc.learningRate());
        assertEquals(1.0, bc.finalLearningRate());
        assertEquals("user-ratio", b.data.splitName());
        assertEquals(0.3, b.data.testFraction());
        Ctr c = parse(new Ctr(), "--batch", "32", "--shuffle", "all", "--emb-optimizer", "Rowwise-Adagrad", "--mlp-l2", "1e-4");
        TrainConfig tc = c.train.config(2, 1);
        assertEquals(32, tc.batchSize());
        assertEquals(2, tc.numPasses());
        assertEquals(TrainConfig.Shuffle.ALL, tc.shuffle());
        assertEquals("rowwise_adagrad:0.05", tc.optimizer("embeddings").toString());
        assertEquals("rowwise_adagrad:0.05", tc.optimizer("linear").toString());
        assertEquals(1e-4, tc.mlpL2());
        assertEquals(TrainerConfig.PositiveSampling.PAIRS, PositivesOption.parse("Pairs"));
    }

    /** --optimizer GROUP=SPEC sets one group (or all) with every hyperparameter; the --emb/--mlp aliases go through the same parser. */
    @Test
    void optimizerSpecsReachEachGroup() {
        TrainConfig tc = parse(new Ctr(), "--optimizer", "mlp_biases=sgd:0.1,momentum=0.9", "--optimizer", "embeddings=adam:0.01,beta2=0.99")
                .train.config(1, 1);
        assertEquals("adam:0.01,beta2=0.99", tc.optimizer("embeddings").toString());
        assertEquals("rowwise_adagrad:0.05", tc.optimizer("linear").toString());
        assertEquals("adam:0.003", tc.optimizer("mlp_weights").toString());
        assertEquals(0.9, tc.optimizer("mlp_biases").number("momentum"));
        TrainConfig alias = parse(new Ctr(), "--mlp-optimizer", "ftrl", "--mlp-lr", "0.2").train.config(1, 1);
        assertEquals("ftrl:0.2", alias.optimizer("mlp_weights").toString());
        assertEquals("ftrl:0.2", alias.optimizer("mlp_biases").toString());
        assertEquals(TrainConfig.defaults(), parse(new Ctr()).train.config(1, TrainConfig.defaults().threads()));
        // a config file's list value arrives split at every comma: the SPEC's pieces are joined back
        Ctr c = parse(new Ctr(), "--optimizer", "all=adam:0.02", "--optimizer", "beta2=0.9");
        assertEquals("adam:0.02,beta2=0.9", c.train.config(1, 1).optimizer("mlp_biases").toString());
    }

    @Test
    void badValuesAreRefusedInOneLineNamingTheOption() {
        Function<Ctr, Object> train = c -> c.train.config(1, 1), model = c -> c.model.config(), data = c -> c.data.load(1);
        assertEquals("--batch 0: must be >= 1", refusal(train, "--batch", "0"));
        assertEquals("--emb-lr Infinity: rowwise_adagrad lr=Infinity, must be a decimal number", refusal(train, "--emb-lr", "Infinity"));
        assertEquals("--mlp-lr 0.0: group 'mlp_weights': adam lr=0.0, must be > 0", refusal(train, "--mlp-lr", "0"));
        assertEquals("--optimizer 'embedings=adam': unknown group 'embedings', groups: embeddings, linear, mlp_weights, mlp_biases, all",
                refusal(train, "--optimizer", "embedings=adam"));
        assertEquals("--optimizer 'embeddings=adam:0.1,beta2=2': group 'embeddings': adam beta2=2.0, must be in [0, 1)", refusal(train, "--optimizer", "embeddings=adam:0.1,beta2=2"));
        assertEquals("--optimizer 'embeddings=adam' and --emb-optimizer 'sgd' both set group 'embeddings'; drop one",
                refusal(train, "--emb-optimizer", "sgd", "--optimizer", "embeddings=adam"));
        assertEquals("--sparse-dropout 1.0: must be in [0, 1) (0 = off)", refusal(train, "--sparse-dropout", "1"));
        assertEquals("--shuffle 'random', allowed: none, within_partition, all", refusal(train, "--shuffle", "random"));
        assertTrue(refusal(train, "--mlp-optimizer", "adamm").startsWith("--mlp-optimizer 'adamm': unknown optimizer 'adamm', allowed: "));
        assertEquals("--model 'gbdt', allowed: sparsenn, logistic, fm", refusal(model, "--model", "gbdt"));
        assertEquals("--bottom '64,x': 'x' is not a width, expected e.g. 64,32", refusal(model, "--bottom", "64,x"));
        assertEquals("--top '64,-5': width -5, each must be >= 1", refusal(model, "--top", "64,-5"));   // was "model: top MLP width -5"
        assertEquals("--bottom does not apply to --model fm (no MLP); it applies to --model sparsenn", refusal(model, "--model", "fm", "--bottom", "32"));
        assertEquals("--dim does not apply to --model logistic (one weight per id, a linear dense part); it applies to --model sparsenn and fm (embedding rows)",
                refusal(model, "--model", "logistic", "--dim", "8"));
        assertEquals("--format applies to a click log given with --data; without --data the rows are synthetic (see --synthetic-rows, --synthetic-shape)",
                refusal(data, "--format", "avazu"));
        assertEquals("--synthetic-rows 5, must be >= 10", refusal(data, "--synthetic-rows", "5"));
        Bpr b = parse(new Bpr(), "--split", "u1");
        assertEquals("--split u1: the official folds exist only for --data ml-100k",
                assertThrows(BadInputException.class, () -> b.data.split(b.data.load().all())).getMessage());
        assertEquals("--positives 'all': use users or pairs", assertThrows(BadInputException.class, () -> PositivesOption.parse("all")).getMessage());
    }

    @Command(name = "fit")
    static final class Fit {
        @Mixin ClickFitOptions fit;
        Fit(boolean refitByDefault) { fit = new ClickFitOptions(refitByDefault); }
    }

    /** --refit-bias keeps each command's default when absent; given, it means on, and --no-refit-bias off, whatever the default. */
    @Test
    void refitBiasTakesTheCommandsDefault() {
        for (boolean d : new boolean[] {false, true}) {
            assertEquals(d, parse(new Fit(d)).fit.refitBias());
            assertTrue(parse(new Fit(d), "--refit-bias").fit.refitBias());
            assertEquals(false, parse(new Fit(d), "--no-refit-bias").fit.refitBias());
        }
        assertEquals(3, parse(new Fit(true), "--passes", "3").fit.passes());
    }

    /** Without --format, a file that starts with Avazu's header is read as Avazu; anything else keeps the criteo default. */
    @Test
    void avazuIsRecognisedByItsHeader(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path avazu = dir.resolve("a.csv"), criteo = dir.resolve("c.txt");
        java.nio.file.Files.writeString(avazu, "id,click,hour,C1,banner_pos\n1,0,14102100,1005,0\n");
        java.nio.file.Files.writeString(criteo, "0\t1\t2\n");
        assertEquals("avazu", ClickDataOptions.detectFormat(avazu, "criteo"));
        assertEquals("criteo", ClickDataOptions.detectFormat(criteo, "criteo"));
        assertEquals("criteo", ClickDataOptions.detectFormat(dir.resolve("missing.csv"), "criteo"));
        assertEquals("criteo", ClickDataOptions.detectFormat(dir, "criteo"));
        java.nio.file.Files.write(criteo, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 0x0a});   // not UTF-8: the reader reports it
        assertEquals("criteo", ClickDataOptions.detectFormat(criteo, "criteo"));
    }

    /** --schema, --delimiter and --header shape a --format schema log only: with criteo or avazu (given or recognised) they are refused, not ignored. */
    @Test
    void schemaOptionsAreRefusedForTheFixedFormats(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path avazu = dir.resolve("a.csv"), criteo = dir.resolve("c.txt");
        java.nio.file.Files.writeString(avazu, "id,click,hour,C1,banner_pos\n1,0,14102100,1005,0\n");
        java.nio.file.Files.writeString(criteo, "0\t1\t2\n");
        Function<Ctr, Object> data = c -> c.data.load(1);
        assertEquals("--schema applies to --format schema only; " + avazu + " is read as avazu (recognised from its first line), whose columns are fixed",
                refusal(data, "--data", avazu.toString(), "--schema", "label,dense*13"));
        assertEquals("--header applies to --format schema only; " + criteo + " is read as criteo, whose columns are fixed",
                refusal(data, "--data", criteo.toString(), "--format", "criteo", "--header"));
        assertEquals("--delimiter applies to --format schema only; " + criteo + " is read as criteo, whose columns are fixed",
                refusal(data, "--data", criteo.toString(), "--delimiter", "comma"));
    }

    /** --delimiter of a schema click log takes the names train's --delimiter takes (its help says "Default: tab"). */
    @Test
    void schemaDelimiterTakesNamesAsWellAsCharacters() {
        assertEquals('\t', ClickDataOptions.schema("schema", "label,sparse", "tab", false).delimiter());
        assertEquals(',', ClickDataOptions.schema("schema", "label,sparse", "comma", false).delimiter());
        assertEquals(';', ClickDataOptions.schema("schema", "label,sparse", ";", false).delimiter());
        assertEquals('\t', ClickDataOptions.schema("schema", "label,sparse", "\t", false).delimiter());
        var e = assertThrows(BadInputException.class, () -> ClickDataOptions.schema("schema", "label,sparse", "::", false));
        assertTrue(e.getMessage().startsWith("--delimiter '::'"), e.getMessage());
    }

    /** of(): the same defaults as the options parsed from an empty command line (they are declared once). */
    @org.junit.jupiter.api.Test
    void ofGivesTheDeclaredDefaults() {
        ImplicitDataOptions parsed = new ImplicitDataOptions();
        new picocli.CommandLine(parsed).parseArgs("--data", "ml-1m");
        ImplicitDataOptions of = ImplicitDataOptions.of("ml-1m", null);
        assertEquals(parsed.data(), of.data());
        assertEquals(parsed.delimiter(), of.delimiter());
        assertEquals(parsed.columns(), of.columns());
        assertEquals(parsed.splitName(), of.splitName());
        assertEquals(parsed.splitSeed(), of.splitSeed());
        assertEquals(null, of.dataRoot());
        assertEquals(java.nio.file.Path.of("/x"), ImplicitDataOptions.of("ml-1m", java.nio.file.Path.of("/x")).dataRoot());
    }
}
