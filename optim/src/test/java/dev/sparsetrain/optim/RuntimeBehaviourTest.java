package dev.sparsetrain.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.core.Table;
import dev.sparsetrain.testkit.reference.ReferenceOptimizer;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Diagnostics, schedules, multipliers, frozen groups, long catch-up, Hogwild stats. */
class RuntimeBehaviourTest {

    @Test
    void diagnosticsOfOneSgdStep() {
        Table t = Table.embedding("t", 10, 2).fill(1f);
        Optimizer o = Optimizer.build(List.of(ParamGroup.of("g", Optimizers.sgd(0.5), "t")), List.of(t));
        o.gradients(t).add(3, new float[] {3, 4}, 0);
        o.gradients(t).add(5, new float[] {Float.NaN, 1}, 0);
        o.step();
        GroupDiagnostics d = o.lastStep().get(0);
        assertEquals(5.0, d.gradientNorm(), 1e-6);
        assertEquals(2.5, d.updateNorm(), 1e-6);              // 0.5 * 5
        assertEquals(0.5, d.meanEffectiveLr(), 1e-7);
        assertEquals(0.1, d.fractionRowsTouched(), 1e-12);    // 1 of 10 (the NaN row is skipped)
        assertEquals(1, d.nonFiniteGradients());
        double wn = Math.hypot(1 - 1.5, 1 - 2);
        assertEquals(2.5 / wn, d.updateToWeightRatio(), 1e-5);
        assertEquals(1f, t.get(5, 0));                        // skipped, not applied
        o.gradients(t).add(3, new float[] {0, 1}, 0);
        o.step();
        GroupDiagnostics epoch = o.endEpoch().get(0);
        assertEquals(2, epoch.steps());
        assertEquals(2, epoch.rowsUpdated());
        assertEquals(Math.sqrt(26), epoch.gradientNorm(), 1e-6);
        assertEquals(0.1, epoch.fractionRowsTouched(), 1e-12); // distinct rows: only row 3
        assertEquals(1, epoch.nonFiniteGradients());
        assertEquals(0, o.diagnostics().get(0).rowsUpdated());
        System.out.println(epoch.describe());
        // the next epoch counts its own steps, not the run's (was 3 here: the group's step number)
        o.gradients(t).add(3, new float[] {0, 1}, 0);
        o.step();
        assertEquals(1, o.endEpoch().get(0).steps());
        assertEquals(0, o.endEpoch().get(0).steps());
    }

    @Test
    void adamEffectiveLearningRateIsLrOverDenominator() {
        Table t = Table.embedding("t", 1, 1);
        Optimizer o = Optimizer.build(List.of(ParamGroup.of("g", Optimizers.adam(0.01), "t")), List.of(t));
        o.gradients(t).add(0, new float[] {2}, 0);
        o.step();
        // t=1: m = 0.2, v = 0.004; lr/bc1 / (sqrt(v)/sqrt(bc2) + eps) = 0.1 / (2 + 1e-8)
        assertEquals(0.1 / 2, o.lastStep().get(0).meanEffectiveLr(), 1e-5 * 0.05); // float arithmetic
        assertEquals(-0.01, t.get(0, 0), 1e-7);
    }

    @Test
    void clipByGlobalNormReportsPreClipNorm() {
        Table a = Table.embedding("a", 2, 2), b = Table.embedding("b", 2, 2);
        Optimizer o = Optimizer.build(List.of(ParamGroup.of("g", Optimizers.sgd(1).withClipByGlobalNorm(1), "a", "b")), List.of(a, b));
        o.gradients(a).add(0, new float[] {3, 0}, 0);
        o.gradients(b).add(1, new float[] {0, 4}, 0);
        o.step();
        assertEquals(5.0, o.lastStep().get(0).lastClipNorm(), 1e-6);
        float s = (float) (1 / (5 + 1e-6));
        assertEquals(-3 * s, a.get(0, 0), 1e-6);
        assertEquals(-4 * s, b.get(1, 1), 1e-6);
    }

    @Test
    void schedulesFollowTheirFormulas() {
        assertEquals(1.0, Schedule.constant().factor(1000));
        assertEquals(1.0, Schedule.step(3, 0.5).factor(3));
        assertEquals(0.5, Schedule.step(3, 0.5).factor(4));
        assertEquals(0.25, Schedule.step(3, 0.5).factor(7));
        assertEquals(Math.pow(0.9, 4), Schedule.exponential(0.9).factor(5), 1e-15);
        Schedule cos = Schedule.cosineWarmRestarts(4, 2, 0);
        assertEquals(1.0, cos.factor(1), 1e-15);
        assertEquals(0.5, cos.factor(3), 1e-12);        // Tcur = 2 of 4
        assertEquals(1.0, cos.factor(5), 1e-15);        // restart, Ti = 8
        assertEquals(0.5, cos.factor(9), 1e-12);        // Tcur = 4 of 8
        assertEquals(1.0, cos.factor(13), 1e-15);       // restart, Ti = 16
        Schedule w = Schedule.warmup(4, 0.2, Schedule.exponential(0.5));
        assertEquals(0.2, w.factor(1), 1e-15);
        assertEquals(0.8, w.factor(4), 1e-15);
        assertEquals(1.0, w.factor(5), 1e-15);
        assertEquals(0.5, w.factor(6), 1e-15);
    }

    @Test
    void multiplierAndFrozenGroups() {
        Table a = Table.embedding("a", 2, 1), b = Table.embedding("b", 2, 1);
        Optimizer o = Optimizer.build(List.of(ParamGroup.of("visual", Optimizers.sgd(0.1), "a"),
                ParamGroup.of("frozen", Optimizers.sgd(0.1), "b").frozen(true)), List.of(a, b));
        o.setLearningRateMultiplier("visual", 0.01);
        assertEquals(0.001, o.learningRate("visual", 1), 1e-9);
        o.gradients(a).add(0, new float[] {1}, 0);
        o.gradients(b).add(0, new float[] {1}, 0);
        o.step();
        assertEquals(-0.001f, a.get(0, 0), 1e-9);
        assertEquals(0f, b.get(0, 0));
        o.updater(b).update(0, new float[] {1}, 0, 2, null);
        assertEquals(0f, b.get(0, 0));
        assertEquals(0, o.stepCount("frozen"));
    }

    /**
     * Rows idle for thousands of steps: catch-up must equal the dense optimizer, through the
     * closed forms (momentum's geometric sum, Adam's v decay once m underflows to zero) and the
     * exact loop (weight decay).
     */
    @ParameterizedTest
    @ValueSource(strings = {"momentum", "nesterov+l2", "heavyball+dampening+l2+decoupled", "adam", "amsgrad", "adamw", "rmsprop(centered,momentum)", "adamax", "nadam", "adadelta"})
    void catchUpAfterLongIdleEqualsDense(String name) {
        OptimizerCatalogue.Entry e = OptimizerCatalogue.all().stream().filter(x -> x.name().startsWith(name)).findFirst().orElseThrow();
        int rows = 3, dim = 5, steps = 2500;
        SplittableRandom rnd = new SplittableRandom(7);
        double[][] init = new double[rows][dim];
        Table t = Table.embedding("t", rows, dim);
        for (int r = 0; r < rows; r++) for (int c = 0; c < dim; c++) { init[r][c] = (float) rnd.nextGaussian(); t.set(r, c, (float) init[r][c]); }
        Optimizer o = Optimizer.build(List.of(ParamGroup.of("g", e.chain(), "t").withSemantics(SparseSemantics.CATCH_UP)), List.of(t));
        ReferenceOptimizer ref = new ReferenceOptimizer(e.config(), ReferenceOptimizer.Semantics.DENSE, init);
        for (int s = 1; s <= steps; s++) {
            // row 0 every step, row 1 at steps 1, 2 and 2400, row 2 never
            int[] ids = (s <= 2 || s == 2400) ? new int[] {0, 1} : new int[] {0};
            double[][] g = new double[ids.length][dim];
            for (double[] x : g) for (int c = 0; c < dim; c++) x[c] = rnd.nextGaussian() * 0.1;
            for (int i = 0; i < ids.length; i++) {
                int off = o.gradients(t).add(ids[i]);
                for (int c = 0; c < dim; c++) o.gradients(t).grads()[off + c] = (float) g[i][c];
            }
            o.step();
            ref.step(ids, g);
        }
        o.flush();
        for (int r = 1; r < rows; r++) {
            for (int c = 0; c < dim; c++) {
                double want = ref.w[r][c];
                assertEquals(want, t.get(r, c), 2e-4 * Math.max(1, Math.abs(want)), name + " row " + r + " col " + c);
            }
        }
    }

    @Test
    void hogwildThreadsWithOwnStatsMatchOneThread() throws InterruptedException {
        int rows = 1000, dim = 16;
        Table a = Table.embedding("t", rows, dim).fillNormal(new SplittableRandom(1), 0.1);
        Table b = a.copy();
        Optimizer oa = Optimizer.build(List.of(ParamGroup.of("g", Optimizers.rowwiseAdagrad(0.1), "t")), List.of(a));
        Optimizer ob = Optimizer.build(List.of(ParamGroup.of("g", Optimizers.rowwiseAdagrad(0.1), "t")), List.of(b));
        GroupStats single = oa.newStats();
        RowUpdater ua = oa.updater(a);
        float[] g = new float[dim];
        java.util.Arrays.fill(g, 0.5f);
        for (int r = 0; r < rows; r++) ua.update(r, g.clone(), 0, 1, single);
        RowUpdater ub = ob.updater(b);
        GroupStats[] per = {ob.newStats(), ob.newStats()};
        Thread[] th = new Thread[2];
        for (int k = 0; k < 2; k++) {
            int id = k;
            th[k] = new Thread(() -> {
                float[] gg = new float[dim];
                for (int r = id; r < rows; r += 2) {
                    java.util.Arrays.fill(gg, 0.5f);
                    ub.update(r, gg, 0, 1, per[id]);
                }
            });
            th[k].start();
        }
        for (Thread x : th) x.join();
        assertArrayEquals(a.data(), b.data());
        oa.report(single);
        ob.report(per);
        GroupDiagnostics da = oa.diagnostics().get(0), db = ob.diagnostics().get(0);
        assertEquals(da.rowsUpdated(), db.rowsUpdated());
        assertEquals(da.updateNorm(), db.updateNorm(), 1e-9 * da.updateNorm());
        assertEquals(1.0, db.fractionRowsTouched());
        assertTrue(per[0].rowsUpdated(0) == 0, "report() clears the per-thread stats");
    }

    /** Plain SGD with coupled and decoupled decay under catch-up: the closed form (1 - lr (wd + l2))^k. */
    @Test
    void sgdDecayClosedFormEqualsDense() {
        Table t = Table.embedding("t", 2, 3).fill(1f);
        double[][] init = {{1, 1, 1}, {1, 1, 1}};
        Optimizer o = Optimizer.build(List.of(ParamGroup.of("g", Optimizers.sgd(0.1).withWeightDecay(0.05).withDecoupledWeightDecay(0.02), "t")
                .withSemantics(SparseSemantics.CATCH_UP)), List.of(t));
        ReferenceOptimizer.Config c = new ReferenceOptimizer.Config().kind("sgd").lr(0.1);
        c.weightDecay = 0.05;
        c.decoupledWeightDecay = 0.02;
        ReferenceOptimizer ref = new ReferenceOptimizer(c, ReferenceOptimizer.Semantics.DENSE, init);
        for (int s = 1; s <= 300; s++) {
            o.gradients(t).add(0, new float[] {0.1f, -0.2f, 0.3f}, 0);
            o.step();
            ref.step(new int[] {0}, new double[][] {{0.1f, -0.2f, 0.3f}});
        }
        o.flush();
        for (int r = 0; r < 2; r++) for (int col = 0; col < 3; col++) assertEquals(ref.w[r][col], t.get(r, col), 1e-4 * Math.max(1, Math.abs(ref.w[r][col])));
    }

    /** replay of a sparse SGD-with-momentum case follows PyTorch, whose sparse momentum buffer acts like the dense optimizer. */
    @Test
    void sparseMomentumCaseReplaysAsPyTorch() {
        double[][] init = {{1, 2}, {3, 4}, {5, 6}};
        java.util.List<dev.sparsetrain.optim.replay.OptimizerCase.Step> steps = List.of(
                new dev.sparsetrain.optim.replay.OptimizerCase.Step(new int[] {0}, new double[][] {{1, -1}}),
                new dev.sparsetrain.optim.replay.OptimizerCase.Step(new int[] {1}, new double[][] {{0.5, 0.5}}),
                new dev.sparsetrain.optim.replay.OptimizerCase.Step(new int[] {1}, new double[][] {{0.5, 0.5}}));
        var c = new dev.sparsetrain.optim.replay.OptimizerCase("m", "sgd", java.util.Map.of("lr", 0.1, "momentum", 0.9, "dampening", 0.1),
                true, null, init, steps, null, 0);
        List<float[][]> got = c.replay("m");
        // row 0: step 1 buf = g (first step), w -= 0.1 g; steps 2, 3: buf *= 0.9, w -= 0.1 buf
        double b = 1, w = 1 - 0.1;
        b *= 0.9; w -= 0.1 * b;
        b *= 0.9; w -= 0.1 * b;
        assertEquals(w, got.get(2)[0][0], 1e-6);
    }

    /** Regression: FTRL's catch-up recomputes w from z and n with its own l2 (a shadowed name once dropped it). */
    @Test
    void ftrlCatchUpIsANoOpOnConsistentRows() {
        float[] w = new float[2];
        int k = 0;
        for (SparseSemantics sem : List.of(SparseSemantics.LAZY, SparseSemantics.CATCH_UP)) {
            Table t = Table.embedding("t", 2, 1);
            Optimizer o = Optimizer.build(List.of(ParamGroup.of("g", Optimizers.ftrl(0.1, 1.0, 0.01, 0.5), "t").withSemantics(sem)), List.of(t));
            o.gradients(t).add(0, new float[] {1f}, 0);
            o.step();
            o.gradients(t).add(1, new float[] {1f}, 0);
            o.step();
            o.gradients(t).add(0, new float[] {-0.5f}, 0);
            o.step();
            o.flush();
            w[k++] = t.get(0, 0);
        }
        assertEquals(w[0], w[1]);
    }

    /** Catch-up through the per-row path (Hogwild-style callers) and flush() without any batch step. */
    @Test
    void perRowCatchUpFlushEqualsDense() {
        OptimizerCatalogue.Entry e = OptimizerCatalogue.OPTIMIZERS.stream().filter(x -> x.name().equals("adam")).findFirst().orElseThrow();
        int rows = 4, dim = 3;
        double[][] init = new double[rows][dim];
        Table t = Table.embedding("t", rows, dim);
        SplittableRandom rnd = new SplittableRandom(3);
        for (int r = 0; r < rows; r++) for (int c = 0; c < dim; c++) { init[r][c] = (float) rnd.nextGaussian(); t.set(r, c, (float) init[r][c]); }
        Optimizer o = Optimizer.build(List.of(ParamGroup.of("g", e.chain(), "t").withSemantics(SparseSemantics.CATCH_UP)), List.of(t));
        ReferenceOptimizer ref = new ReferenceOptimizer(e.config(), ReferenceOptimizer.Semantics.DENSE, init);
        RowUpdater u = o.updater(t);
        GroupStats stats = o.newStats();
        for (int s = 1; s <= 40; s++) {
            int row = (s * 3) % rows == 0 ? 0 : s % 2;
            double[] g = {rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian()};
            u.update(row, new float[] {(float) g[0], (float) g[1], (float) g[2]}, 0, s, stats);
            ref.step(new int[] {row}, new double[][] {{(float) g[0], (float) g[1], (float) g[2]}});
        }
        o.report(stats);
        assertEquals(40, o.diagnostics().get(0).steps());
        o.flush();
        for (int r = 0; r < rows; r++) for (int c = 0; c < dim; c++) assertEquals(ref.w[r][c], t.get(r, c), 1e-4 * Math.max(1, Math.abs(ref.w[r][c])));
    }

    /** A step without gradients: LAZY skips it in step() but stepAll() counts it (bias correction moves on); CATCH_UP always counts it. */
    @Test
    void emptyStepsCountWhereTheDenseOptimizerWould() {
        Table a = Table.embedding("a", 2, 1), b = Table.embedding("b", 2, 1);
        Optimizer o = Optimizer.build(List.of(ParamGroup.of("lazy", Optimizers.adam(0.1), "a"),
                ParamGroup.of("catchup", Optimizers.adam(0.1), "b").withSemantics(SparseSemantics.CATCH_UP)), List.of(a, b));
        o.step();
        assertEquals(0, o.stepCount("lazy"));
        assertEquals(1, o.stepCount("catchup"));
        o.stepAll();
        assertEquals(1, o.stepCount("lazy"));
        assertEquals(2, o.stepCount("catchup"));
    }

    @Test
    void batchStepsAreCountedPerEpochNotSinceTheStart() {
        Table t = Table.embedding("t", 4, 2).fill(1f);
        Optimizer o = Optimizer.build(List.of(ParamGroup.of("g", Optimizers.adam(0.1), "t")), List.of(t));
        for (int epoch = 1; epoch <= 3; epoch++) {
            for (int s = 0; s < 5; s++) {
                o.gradients(t).add(s % 4, new float[] {1, -1}, 0);
                o.step();
            }
            assertEquals(5, o.endEpoch().get(0).steps(), "epoch " + epoch);   // was 10 and 15: absolute step numbers
        }
    }

    @Test
    void figuresOfAGroupSplitOverTwoOptimizersCombineToThoseOfOne() {
        SplittableRandom r = new SplittableRandom(5);
        Table a1 = Table.embedding("a", 30, 4), b1 = Table.embedding("b", 50, 4);
        a1.fillNormal(r, 0.5);
        b1.fillNormal(r, 0.5);
        Table a2 = a1.copy(), b2 = b1.copy();
        Optimizer one = Optimizer.build(List.of(ParamGroup.of("g", Optimizers.rowwiseAdagrad(0.1), "a", "b")), List.of(a1, b1));
        Optimizer pa = Optimizer.build(List.of(ParamGroup.of("g", Optimizers.rowwiseAdagrad(0.1), "a")), List.of(a2));
        Optimizer pb = Optimizer.build(List.of(ParamGroup.of("g", Optimizers.rowwiseAdagrad(0.1), "b")), List.of(b2));
        for (int s = 0; s < 20; s++) {
            for (int k = 0; k < 6; k++) {
                float[] g = {(float) r.nextGaussian(), (float) r.nextGaussian(), (float) r.nextGaussian(), (float) r.nextGaussian()};
                boolean inA = r.nextBoolean();
                int row = r.nextInt(inA ? 30 : 50);
                one.gradients(inA ? a1 : b1).add(row, g, 0);
                (inA ? pa : pb).gradients(inA ? a2 : b2).add(row, g, 0);
            }
            one.step();
            pa.step();
            pb.step();
        }
        GroupDiagnostics want = one.endEpoch().get(0);
        GroupDiagnostics got = GroupDiagnostics.combine(List.of(pa.endEpoch().get(0), pb.endEpoch().get(0)), new long[] {30, 50});
        assertEquals(want.group(), got.group());
        assertEquals(want.rowsUpdated(), got.rowsUpdated());
        assertEquals(want.gradientNorm(), got.gradientNorm(), 1e-9 * want.gradientNorm());
        assertEquals(want.updateNorm(), got.updateNorm(), 1e-9 * want.updateNorm());
        assertEquals(want.updateToWeightRatio(), got.updateToWeightRatio(), 1e-9 * want.updateToWeightRatio());
        assertEquals(want.meanEffectiveLr(), got.meanEffectiveLr(), 1e-9 * want.meanEffectiveLr());
        assertEquals(want.fractionRowsTouched(), got.fractionRowsTouched(), 1e-12);
        assertEquals(20, got.steps());
    }

    @Test
    void imbalanceIsFlaggedAgainstTheMedianOfTheGroupsThatMove() {
        List<GroupDiagnostics> d = List.of(fig("a", 1e-3), fig("b", 2e-3), fig("c", 5e-2), fig("d", 1e-5), fig("frozen", 0));
        // median of the moving groups {1e-5, 1e-3, 2e-3, 5e-2}: sqrt(1e-3 * 2e-3)
        assertEquals(Math.sqrt(2e-6), GroupDiagnostics.medianUpdateToWeight(d), 1e-15);
        assertArrayEquals(new int[] {0, 0, 1, -1, 0}, GroupDiagnostics.flagImbalance(d, 10));
        assertArrayEquals(new int[] {0}, GroupDiagnostics.flagImbalance(List.of(fig("alone", 3)), 10));
    }

    private static GroupDiagnostics fig(String name, double ratio) {
        return new GroupDiagnostics(name, 1, 1, 1, ratio, ratio, 0.1, 1, 0, Double.NaN);
    }

    /**
     * Momentum with weight decay catches up in closed form (a 2 x 2 matrix power per row, not one
     * loop iteration per idle step); it matches the dense reference after long idling
     * (catchUpAfterLongIdleEqualsDense) and a double-precision step-by-step loop after 10^6 steps.
     */
    @Test
    void momentumWithWeightDecayCatchesUpAMillionIdleStepsInClosedForm() {
        for (boolean nesterov : new boolean[] {false, true}) {
            Table t = Table.embedding("t", 2, 3);
            t.set(1, 0, 1f);
            t.set(1, 1, -2f);
            t.set(1, 2, 0.5f);
            Chain c = (nesterov ? Optimizers.nesterov(0.01, 0.9) : Optimizers.momentum(0.01, 0.9)).withWeightDecay(1e-4);
            Optimizer o = Optimizer.build(List.of(ParamGroup.of("g", c, "t").withSemantics(SparseSemantics.CATCH_UP)), List.of(t));
            RowUpdater u = o.updater(t);
            GroupStats st = o.newStats();
            u.update(1, new float[] {0.3f, -0.1f, 0.2f}, 0, 1, st);
            u.update(1, new float[] {0.1f, 0.1f, -0.2f}, 0, 2, st);
            // the reference: the same 10^6 zero-gradient steps one at a time, in double
            double lr = 0.01, mu = 0.9, l2 = 1e-4;
            double[] w = {t.get(1, 0), t.get(1, 1), t.get(1, 2)};
            double[] b = {o.state(t, 0, 1, 0), o.state(t, 0, 1, 1), o.state(t, 0, 1, 2)};
            for (int s = 0; s < 1_000_000; s++) {
                for (int i = 0; i < 3; i++) {
                    double d = l2 * w[i];
                    b[i] = mu * b[i] + d;
                    w[i] -= lr * (nesterov ? d + mu * b[i] : b[i]);
                }
            }
            long t0 = System.nanoTime();
            o.flush(1_000_002);
            double ms = (System.nanoTime() - t0) / 1e6;
            for (int i = 0; i < 3; i++) {
                // momentum multiplies the decay by 1 / (1 - mu): w shrinks by about exp(-lr l2 10^6 / (1 - mu)) = exp(-10)
                assertEquals(w[i], t.get(1, i), 1e-3 * Math.abs(w[i]), (nesterov ? "nesterov" : "heavy ball") + " col " + i);
                assertEquals(b[i], o.state(t, 0, 1, i), 1e-3 * Math.abs(b[i]) + 1e-12, "buffer col " + i);
            }
            System.out.printf("momentum (%s) with L2: 10^6 idle steps caught up in %.3f ms%n", nesterov ? "nesterov" : "heavy ball", ms);
        }
    }

    /**
     * The mean effective learning rate counts only elements with a gradient history: a row whose
     * other elements never had a gradient (a layer's padding weights, say) reports the rate of the
     * elements that move, not lr/eps. Before, Adam at lr 0.01 reported about 0.5 * 0.01/1e-8.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @ValueSource(strings = {"adam", "adagrad", "rmsprop", "adamax", "nadam"})
    void effectiveLrIgnoresElementsWithoutGradientHistory(String name) {
        Chain c = switch (name) {
            case "adam" -> Optimizers.adam(0.01);
            case "adagrad" -> Optimizers.adagrad(0.01);
            case "rmsprop" -> Optimizers.rmsprop(0.01);
            case "adamax" -> Optimizers.adamax(0.01);
            default -> Optimizers.nadam(0.01);
        };
        Table t = Table.dense("t", 1, 4).fill(1f);
        Optimizer o = Optimizer.build(List.of(ParamGroup.of("g", c, "t").withSemantics(SparseSemantics.DENSE)), List.of(t));
        for (int s = 0; s < 3; s++) {
            o.gradients(t).add(0, new float[] {0.5f, -0.5f, 0f, 0f}, 0);   // columns 2 and 3 never get a gradient
            o.step();
        }
        double eff = o.lastStep().get(0).meanEffectiveLr();
        assertTrue(eff > 0 && eff < 1, name + ": mean effective lr " + eff + " should be that of the two moving elements, not ~lr/eps");
        assertEquals(1f, t.get(0, 2));
    }
}
