package dev.sparsetrain.models.sparsenn;

import dev.sparsetrain.optim.OptimizerSpec;
import static org.junit.jupiter.api.Assertions.*;

import dev.sparsetrain.core.Table;
import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.data.ctr.SyntheticCtr;
import dev.sparsetrain.optim.ParamGroup;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** What each switch of the trainer does, checked on the parameters themselves. */
class TrainerBehaviourTest {
    static final CtrData DATA = new SyntheticCtr(new SyntheticCtr.Config(3, 500, 4, 1.1, 2, 0.5, 0.5, 0.3, -1.2, 3))
            .generate(4000, 1).data();

    static SparseNN model(ModelConfig mc) {
        return new SparseNN(mc, DATA.names(), DATA.tableRows(), DATA.numDense(), 5);
    }

    static SparseNN train(ModelConfig mc, TrainConfig tc) {
        SparseNN m = model(mc);
        try (CtrTrainer t = new CtrTrainer(m, tc)) {
            t.train(DATA, 0, null, null);
        }
        return m;
    }

    static TrainConfig base(int threads) {
        return TrainConfig.defaults().toBuilder().threads(threads).batchSize(64).numPasses(2).build();
    }

    static Table table(SparseNN m, String name) {
        return m.tables().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    /**
     * The trainer's own arithmetic does not depend on threads or scheduling (chunk slots reduced in
     * chunk order, dropout seeded per chunk), and every Vector API reduction sums its lanes in one
     * fixed order whether or not the JIT has compiled it: the results are bit-identical.
     */
    @Test
    void resultsDependOnTheSeedOnlyNotOnThreadsOrScheduling() {
        float[] one = train(ModelConfig.defaults(), base(1).toBuilder().sparseDropout(0.2).mlpDropout(0.1).build()).predict(DATA);
        for (int threads : new int[] {1, 2, 3, 2, 4}) {
            float[] p = train(ModelConfig.defaults(), base(threads).toBuilder().sparseDropout(0.2).mlpDropout(0.1).build()).predict(DATA);
            assertArrayEquals(one, p, "threads=" + threads);
        }
        float[] plain1 = train(ModelConfig.defaults(), base(1)).predict(DATA);
        float[] plain2 = train(ModelConfig.defaults(), base(2)).predict(DATA);
        assertArrayEquals(plain1, plain2);
        float[] other = train(ModelConfig.defaults(), base(2).toBuilder().seed(99).build()).predict(DATA);
        assertFalse(Arrays.equals(plain1, other), "another seed gives another model");
    }

    @Test
    void untouchedEmbeddingRowsStayBitIdenticalEvenWithL2() {
        SparseNN before = model(ModelConfig.defaults());
        SparseNN after = train(ModelConfig.defaults(), base(2).toBuilder().embeddingL2(1e-2).build());
        for (int f = 0; f < DATA.numSparse(); f++) {
            int[] seen = DATA.impressions(f);
            Table a = table(before, "emb." + DATA.names()[f]), b = table(after, "emb." + DATA.names()[f]);
            int untouched = 0, moved = 0;
            for (int r = 0; r < a.rows(); r++) {
                float[] ra = Arrays.copyOfRange(a.data(), a.offset(r), a.offset(r) + a.dim());
                float[] rb = Arrays.copyOfRange(b.data(), b.offset(r), b.offset(r) + b.dim());
                if (seen[r] == 0) {
                    assertArrayEquals(ra, rb, "row " + r + " was never in a batch");
                    untouched++;
                } else if (!Arrays.equals(ra, rb)) {
                    moved++;
                }
            }
            assertTrue(untouched > 0 && moved > 0, "feature " + f + ": untouched " + untouched + ", moved " + moved);
        }
    }

    static double maxRowNorm(Table t, int[] seen, boolean touchedOnly, double[] minOut) {
        double max = 0, min = Double.MAX_VALUE;
        for (int r = 0; r < t.rows(); r++) {
            if (touchedOnly && seen[r] == 0) continue;
            double n = 0;
            for (int c = 0; c < t.dim(); c++) n += (double) t.get(r, c) * t.get(r, c);
            max = Math.max(max, Math.sqrt(n));
            min = Math.min(min, Math.sqrt(n));
        }
        minOut[0] = min;
        return max;
    }

    static double meanTouchedNorm(SparseNN m) {
        double s = 0;
        long n = 0;
        for (int f = 0; f < DATA.numSparse(); f++) {
            int[] seen = DATA.impressions(f);
            Table t = table(m, "emb." + DATA.names()[f]);
            for (int r = 0; r < t.rows(); r++) {
                if (seen[r] == 0) continue;
                s += Math.sqrt(dev.sparsetrain.core.Kernels.squaredNorm(t.data(), t.offset(r), t.dim()));
                n++;
            }
        }
        return s / n;
    }

    @Test
    void l2OnActiveRowsShrinksThem() {
        double plain = meanTouchedNorm(train(ModelConfig.defaults(), base(2)));
        double l2 = meanTouchedNorm(train(ModelConfig.defaults(), base(2).toBuilder().embeddingL2(0.1).build()));
        System.out.printf("mean norm of active embedding rows: no L2 %.4f, L2 0.1 %.4f%n", plain, l2);
        assertTrue(l2 < 0.8 * plain, plain + " vs " + l2);
    }

    @Test
    void maxNormAndConstantNormConstrainActiveRows() {
        ModelConfig mc = ModelConfig.defaults().withInitStd(0.5); // rows start with norm ~2
        SparseNN mx = train(mc, base(2).toBuilder().maxNorm(0.3).build());
        SparseNN cn = train(mc, base(2).toBuilder().constantNorm(0.3).build());
        double[] min = new double[1];
        for (int f = 0; f < DATA.numSparse(); f++) {
            int[] seen = DATA.impressions(f);
            String name = "emb." + DATA.names()[f];
            assertTrue(maxRowNorm(table(mx, name), seen, true, min) <= 0.3 + 1e-4, "max-norm " + name);
            double max = maxRowNorm(table(cn, name), seen, true, min);
            assertEquals(0.3, max, 1e-4, "constant-norm max " + name);
            assertEquals(0.3, min[0], 1e-4, "constant-norm min " + name);
            assertTrue(maxRowNorm(table(mx, name), seen, false, min) > 1, "untouched rows keep their norm");
        }
    }

    @Test
    void frozenGroupsDoNotMove() {
        SparseNN init = model(ModelConfig.defaults());
        SparseNN fe = train(ModelConfig.defaults(), base(2).toBuilder().freezeEmbeddings(true).build());
        SparseNN fm = train(ModelConfig.defaults(), base(2).toBuilder().freezeMlp(true).build());
        for (Table t : init.tables()) {
            boolean emb = t.name().startsWith("emb.");
            assertEquals(emb, Arrays.equals(t.data(), table(fe, t.name()).data()), "freeze embeddings: " + t.name());
            assertEquals(!emb, Arrays.equals(t.data(), table(fm, t.name()).data()), "freeze mlp: " + t.name());
        }
    }

    @Test
    void freezeEmbeddingsAfterOnePass() {
        SparseNN one = train(ModelConfig.defaults(), base(1).toBuilder().numPasses(1).build());
        SparseNN two = train(ModelConfig.defaults(), base(1).toBuilder().numPasses(2).freezeEmbeddingsAfter(1).build());
        for (Table t : one.tables()) {
            boolean same = Arrays.equals(t.data(), table(two, t.name()).data());
            assertEquals(t.name().startsWith("emb."), same, t.name());
        }
    }

    /**
     * Per-pass optimizer figures: one list per pass, one entry per group, steps counted per pass;
     * the shards' figures combine to the same values at any thread count (the shard layout
     * changes with the threads); frozen embeddings show no movement in the pass after freezing.
     */
    @Test
    void passDiagnosticsArePerPassAndDoNotDependOnTheShardLayout() {
        java.util.List<java.util.List<dev.sparsetrain.optim.GroupDiagnostics>> one = null;
        int batches = (DATA.rows() + 63) / 64;
        for (int threads : new int[] {1, 3}) {
            SparseNN m = model(ModelConfig.defaults());
            try (CtrTrainer t = new CtrTrainer(m, base(threads).toBuilder().freezeEmbeddingsAfter(1).build())) {
                t.train(DATA, 0, null, null);
                var d = t.passDiagnostics();
                assertEquals(2, d.size());
                for (var pass : d) {
                    assertEquals(java.util.List.of("embeddings", "mlp_weights", "mlp_biases"),
                            pass.stream().map(dev.sparsetrain.optim.GroupDiagnostics::group).toList());
                    for (var g : pass) assertEquals(batches, g.steps(), g.describe());
                }
                var emb1 = d.get(0).get(0);
                assertTrue(emb1.updateToWeightRatio() > 0 && emb1.fractionRowsTouched() > 0 && emb1.fractionRowsTouched() <= 1, emb1.describe());
                assertEquals(0, d.get(1).get(0).updateNorm(), emb1.describe());   // frozen after pass 1
                assertTrue(d.get(1).get(1).updateNorm() > 0);
                if (one == null) {
                    one = d;
                    continue;
                }
                for (int p = 0; p < 2; p++) {
                    for (int g = 0; g < 3; g++) {
                        var a = one.get(p).get(g);
                        var b = d.get(p).get(g);
                        assertEquals(a.rowsUpdated(), b.rowsUpdated(), b.describe());
                        assertEquals(a.gradientNorm(), b.gradientNorm(), 1e-9 * a.gradientNorm(), b.describe());
                        assertEquals(a.updateToWeightRatio(), b.updateToWeightRatio(), 1e-9 * a.updateToWeightRatio() + 1e-300, b.describe());
                        assertEquals(a.fractionRowsTouched(), b.fractionRowsTouched(), 1e-12, b.describe());
                    }
                }
            }
        }
    }

    @Test
    void biasesAreFoundAndKeptOutOfL2() {
        SparseNN m = model(ModelConfig.defaults());
        var groups = CtrTrainer.groups(m, TrainConfig.defaults().toBuilder().mlpL2(1e-3).embeddingL2(1e-4).build());
        ParamGroup w = groups.stream().filter(g -> g.name().equals("mlp_weights")).findFirst().orElseThrow();
        ParamGroup b = groups.stream().filter(g -> g.name().equals("mlp_biases")).findFirst().orElseThrow();
        ParamGroup e = groups.stream().filter(g -> g.name().equals("embeddings")).findFirst().orElseThrow();
        System.out.println("groups: " + w.name() + " = " + w.chain().describe() + " " + w.tables() + "; " + b.name() + " = "
                + b.chain().describe() + " " + b.tables() + "; " + e.name() + " = " + e.chain().describe() + ", " + e.semantics());
        assertTrue(b.tables().stream().allMatch(n -> n.endsWith(".b")) && b.tables().size() == 4);
        assertTrue(w.tables().stream().allMatch(n -> n.endsWith(".w")) && w.tables().size() == 4);
        assertTrue(w.chain().describe().contains("0.001"), w.chain().describe());
        assertFalse(b.chain().describe().toLowerCase().contains("decay"), b.chain().describe());
        assertEquals(dev.sparsetrain.optim.SparseSemantics.LAZY, e.semantics());
        assertEquals(dev.sparsetrain.optim.SparseSemantics.DENSE, w.semantics());
    }

    @Test
    void aDroppedSparseIdContributesNothing() {
        SparseNN m = model(ModelConfig.defaults());
        int[] order = new int[32];
        for (int i = 0; i < 32; i++) order[i] = i;
        Workspace ws = m.newWorkspace(32);
        ws.forward(DATA, order, 0, 32, new SplittableRandom(1), 0.999999f, 0f); // every id dropped
        float[] dropped = ws.probabilities().clone();
        for (Table t : m.sparseTables()) t.fill(0f);
        ws.forward(DATA, order, 0, 32, null, 0f, 0f);
        assertArrayEquals(ws.probabilities(), Arrays.copyOf(dropped, 32), 1e-6f);
    }

    @Test
    void shuffleModes() {
        int[] o = new int[100];
        SplittableRandom r = new SplittableRandom(1);
        CtrTrainer.shuffle(o, TrainConfig.Shuffle.NONE, 4, r);
        for (int i = 0; i < 100; i++) assertEquals(i, o[i]);
        CtrTrainer.shuffle(o, TrainConfig.Shuffle.WITHIN_PARTITION, 4, r);
        boolean moved = false;
        for (int i = 0; i < 100; i++) {
            assertEquals(i / 25, o[i] / 25, "stays in its partition");
            moved |= o[i] != i;
        }
        assertTrue(moved);
        CtrTrainer.shuffle(o, TrainConfig.Shuffle.ALL, 4, r);
        int[] s = o.clone();
        Arrays.sort(s);
        for (int i = 0; i < 100; i++) assertEquals(i, s[i]);
        int crossed = 0;
        for (int i = 0; i < 100; i++) if (o[i] / 25 != i / 25) crossed++;
        assertTrue(crossed > 30, "rows cross partitions: " + crossed);
    }

    @Test
    void savedModelPredictsTheSame(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        SparseNN m = train(ModelConfig.defaults().withInteraction(ModelConfig.Interaction.CONCAT), base(2));
        java.nio.file.Path f = dir.resolve("model.sptr");
        m.save(f, java.util.Map.of("note", "test"));
        SparseNN back = SparseNN.load(f);
        assertArrayEquals(m.predict(DATA), back.predict(DATA));
        var e = assertThrows(dev.sparsetrain.core.BadInputException.class, () -> SparseNN.load(dir.resolve("missing.sptr")));
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void badConfigIsOneLine() {
        var e = assertThrows(dev.sparsetrain.core.BadInputException.class,
                () -> TrainConfig.defaults().toBuilder().sparseDropout(1.0).build());
        assertEquals("sparse dropout 1.0, must be in [0, 1)", e.getMessage());
        e = assertThrows(dev.sparsetrain.core.BadInputException.class,
                () -> new CtrTrainer(model(ModelConfig.defaults()), TrainConfig.defaults().toBuilder().embeddingOptimizer(OptimizerSpec.of(OptimizerSpec.Kind.named("adamm"), 0.1)).build()));
        System.out.println("unknown optimizer: " + e.getMessage());
        assertTrue(e.getMessage().contains("adamm"));
    }

    /**
     * Regression: the training NE handed to the evaluation hook came from a 20,000-sample window, so
     * on data smaller than that every curve point inside a pass repeated the previous pass's value
     * (NaN throughout pass 1): the study's "training NE" chart was a staircase. Now each point has
     * the NE of the samples since the previous point.
     */
    @Test
    void trainingNeAtEachCurvePointCoversTheSamplesSinceThePreviousPoint() {
        java.util.List<Double> ne = new java.util.ArrayList<>();
        java.util.List<Long> seen = new java.util.ArrayList<>();
        SparseNN m = model(ModelConfig.defaults());
        try (CtrTrainer t = new CtrTrainer(m, base(1))) {
            t.train(DATA, 4, (p, s, runningNe) -> {
                ne.add(runningNe);
                seen.add(s);
            }, null);
        }
        assertEquals(8, ne.size(), "4 points per pass, 2 passes");
        for (double v : ne) assertTrue(Double.isFinite(v) && v > 0, "finite training NE at every point: " + ne);
        assertTrue(ne.get(0) != ne.get(1) && ne.get(1) != ne.get(2) && ne.get(4) != ne.get(5), "a fresh value per point: " + ne);
        // the last point of pass 2 has seen the data once before: lower NE than the first quarter of pass 1
        assertTrue(ne.get(7) < ne.get(0), "training NE falls: " + ne);
        System.out.printf("training NE per quarter pass: %s%n", ne);
    }

    /**
     * Clipping bounds every step: with plain SGD at lr 0.1, an MLP group's whole gradient clipped
     * to global norm c moves that group by at most 0.1 c per step (in norm, over all its tensors),
     * and an embedding row's gradient clipped to row norm c moves the row by at most 0.1 c per step.
     */
    @Test
    void gradientClippingBoundsEveryStep() {
        double c = 1e-3, lr = 0.1;
        TrainConfig sgd = base(2).toBuilder().numPasses(1).mlpOptimizer(OptimizerSpec.of(OptimizerSpec.Kind.named("sgd"), lr)).embeddingOptimizer(OptimizerSpec.of(OptimizerSpec.Kind.named("sgd"), lr)).build();
        TrainConfig clipped = sgd.toBuilder().mlpClipNorm(c).embeddingClipNorm(c).build();
        int steps = (DATA.rows() + sgd.batchSize() - 1) / sgd.batchSize();
        SparseNN before = model(ModelConfig.defaults());
        SparseNN free = train(ModelConfig.defaults(), sgd), bounded = train(ModelConfig.defaults(), clipped);
        double[] moveFree = mlpMove(before, free), moveBounded = mlpMove(before, bounded);
        System.out.printf("MLP movement after %d steps: weights %.4g / biases %.4g unclipped, %.4g / %.4g clipped at global norm %.0e%n",
                steps, moveFree[0], moveFree[1], moveBounded[0], moveBounded[1], c);
        for (int k = 0; k < 2; k++) {
            assertTrue(moveBounded[k] <= steps * lr * c * (1 + 1e-4), "group moved " + moveBounded[k] + " > " + steps * lr * c);
            assertTrue(moveFree[k] > 10 * moveBounded[k], "unclipped moves much further: " + moveFree[k]);
        }
        for (int f = 0; f < DATA.numSparse(); f++) {
            int[] seen = DATA.impressions(f);
            Table a = table(before, "emb." + DATA.names()[f]), b = table(bounded, "emb." + DATA.names()[f]);
            for (int r = 0; r < a.rows(); r++) {
                if (seen[r] == 0) continue;
                double d2 = 0;
                for (int j = 0; j < a.dim(); j++) {
                    double d = b.get(r, j) - a.get(r, j);
                    d2 += d * d;
                }
                // a row is in at most min(seen, steps) batches
                assertTrue(Math.sqrt(d2) <= Math.min(seen[r], steps) * lr * c * (1 + 1e-4), "row " + r + " of feature " + f);
            }
        }
    }

    /** Norm of the change of the MLP weight tensors and of the bias tensors (each group as one vector). */
    static double[] mlpMove(SparseNN a, SparseNN b) {
        double w = 0, bias = 0;
        for (Table t : a.denseTables()) {
            Table u = table(b, t.name());
            double s = 0;
            for (int i = 0; i < t.data().length; i++) {
                double d = u.data()[i] - t.data()[i];
                s += d * d;
            }
            if (SparseNN.isBias(t)) bias += s; else w += s;
        }
        return new double[] {Math.sqrt(w), Math.sqrt(bias)};
    }
}
