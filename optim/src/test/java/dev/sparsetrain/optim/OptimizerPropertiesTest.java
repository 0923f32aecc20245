package dev.sparsetrain.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sparsetrain.core.RowBatch;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.testkit.reference.ReferenceOptimizer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Every optimizer and transform under every sparse semantic against the double-precision
 * reference in testkit: odd dims, duplicate ids, non-finite rows; plus the invariants (untouched
 * rows bit-identical under LAZY, a non-zero gradient moves a row, per-row path = batch path).
 */
class OptimizerPropertiesTest {

    @Provide Arbitrary<Integer> dims() { return Arbitraries.of(1, 3, 7, 17, 33, 257); }

    @Provide Arbitrary<OptimizerCatalogue.Entry> entries() { return Arbitraries.of(OptimizerCatalogue.all()); }

    @Provide Arbitrary<OptimizerCatalogue.Entry> optimizers() { return Arbitraries.of(OptimizerCatalogue.OPTIMIZERS); }

    @Provide Arbitrary<SparseSemantics> semantics() { return Arbitraries.of(SparseSemantics.values()); }

    /** A random run: steps of random row ids (with duplicates) and Gaussian gradients; some rows non-finite. */
    record Run(int rows, int dim, double[][] init, List<int[]> ids, List<double[][]> grads) {
        static Run random(long seed, int dim, boolean nonFinite) {
            SplittableRandom rnd = new SplittableRandom(seed);
            int rows = 4 + rnd.nextInt(6);
            double[][] init = new double[rows][dim];
            for (double[] r : init) for (int j = 0; j < dim; j++) r[j] = rnd.nextGaussian() * 0.5;
            int steps = 1 + rnd.nextInt(6);
            List<int[]> ids = new ArrayList<>();
            List<double[][]> grads = new ArrayList<>();
            for (int s = 0; s < steps; s++) {
                int k = 1 + rnd.nextInt(rows + 2);
                int[] id = new int[k];
                double[][] g = new double[k][dim];
                for (int i = 0; i < k; i++) {
                    id[i] = rnd.nextInt(rows); // duplicates likely
                    for (int j = 0; j < dim; j++) g[i][j] = rnd.nextGaussian();
                    if (nonFinite && rnd.nextInt(8) == 0) g[i][rnd.nextInt(dim)] = rnd.nextBoolean() ? Double.NaN : Double.POSITIVE_INFINITY;
                }
                ids.add(id);
                grads.add(g);
            }
            return new Run(rows, dim, init, ids, grads);
        }

        Table table() {
            Table t = Table.embedding("t", rows, dim);
            for (int r = 0; r < rows; r++) for (int c = 0; c < dim; c++) t.set(r, c, (float) init[r][c]);
            return t;
        }

        double[][] initAsFloat() {
            double[][] a = new double[rows][dim];
            for (int r = 0; r < rows; r++) for (int c = 0; c < dim; c++) a[r][c] = (float) init[r][c];
            return a;
        }
    }

    static void feed(Optimizer opt, Table t, int[] ids, double[][] g) {
        RowBatch b = opt.gradients(t);
        for (int i = 0; i < ids.length; i++) {
            int off = b.add(ids[i]);
            for (int c = 0; c < t.dim(); c++) b.grads()[off + c] = (float) g[i][c];
        }
    }

    static void assertClose(String what, double[][] want, Table got, double tol) {
        for (int r = 0; r < want.length; r++) {
            for (int c = 0; c < want[r].length; c++) {
                double e = want[r][c], a = got.get(r, c);
                if (!(Math.abs(e - a) <= tol * Math.max(1, Math.abs(e)))) {
                    fail(what + ": row " + r + " col " + c + ": reference " + e + ", engine " + a);
                }
            }
        }
    }

    @Property(tries = 150)
    void batchPathMatchesReference(@ForAll("entries") OptimizerCatalogue.Entry e, @ForAll("semantics") SparseSemantics sem,
                                   @ForAll("dims") int dim, @ForAll long seed) {
        if (!OptimizerCatalogue.allows(e, sem)) return; // refused at build (catalogue test)
        Run run = Run.random(seed, dim, true);
        Table t = run.table();
        Optimizer opt = Optimizer.build(List.of(ParamGroup.of("g", e.chain(), "t").withSemantics(sem)), List.of(t));
        ReferenceOptimizer.Semantics rs = switch (sem) {
            case LAZY -> ReferenceOptimizer.Semantics.LAZY;
            case LAZY_ROWWISE_BIAS -> ReferenceOptimizer.Semantics.LAZY_ROWWISE_BIAS;
            case CATCH_UP, DENSE -> ReferenceOptimizer.Semantics.DENSE;
        };
        ReferenceOptimizer ref = new ReferenceOptimizer(e.config(), rs, run.initAsFloat());
        long nonFinite = 0;
        for (int s = 0; s < run.ids().size(); s++) {
            feed(opt, t, run.ids().get(s), run.grads().get(s));
            opt.step();
            nonFinite += opt.lastStep().get(0).nonFiniteGradients();
            ref.step(run.ids().get(s), run.grads().get(s));
        }
        opt.flush();
        assertClose(e + " " + sem + " dim " + dim, ref.w, t, 2e-4);
        assertEquals(ref.nonFinite(), nonFinite, "non-finite rows counted");
    }

    @Property(tries = 80)
    void untouchedRowsAreBitIdenticalUnderLazy(@ForAll("entries") OptimizerCatalogue.Entry e, @ForAll("dims") int dim, @ForAll long seed) {
        Run run = Run.random(seed, dim, true);
        Table t = run.table();
        Optimizer opt = Optimizer.build(List.of(ParamGroup.of("g", e.chain(), "t")), List.of(t));
        int slots = e.chain().optimizer().dimSlots() + e.chain().optimizer().rowSlots();
        for (int s = 0; s < run.ids().size(); s++) {
            float[] before = t.data().clone();
            float[][][] stateBefore = stateOf(opt, t, slots, dim);
            int[] countBefore = new int[run.rows()];
            for (int r = 0; r < run.rows(); r++) countBefore[r] = opt.rowUpdateCount(t, r);
            int[] ids = run.ids().get(s);
            feed(opt, t, ids, run.grads().get(s));
            opt.step();
            float[][][] stateAfter = stateOf(opt, t, slots, dim);
            for (int r = 0; r < run.rows(); r++) {
                boolean touched = false;
                for (int id : ids) touched |= id == r;
                if (touched) continue;
                for (int c = 0; c < dim; c++) {
                    int o = t.offset(r) + c;
                    assertEquals(Float.floatToRawIntBits(before[o]), Float.floatToRawIntBits(t.data()[o]),
                            e + ": untouched row " + r + " changed at step " + (s + 1));
                    for (int k = 0; k < slots; k++) {
                        assertEquals(Float.floatToRawIntBits(stateBefore[k][r][c]), Float.floatToRawIntBits(stateAfter[k][r][c]),
                                e + ": state " + k + " of untouched row " + r + " changed at step " + (s + 1));
                    }
                }
                assertEquals(countBefore[r], opt.rowUpdateCount(t, r));
            }
        }
    }

    static float[][][] stateOf(Optimizer opt, Table t, int slots, int dim) {
        float[][][] a = new float[slots][t.rows()][dim];
        for (int k = 0; k < slots; k++) for (int r = 0; r < t.rows(); r++) for (int c = 0; c < dim; c++) a[k][r][c] = opt.state(t, k, r, c);
        return a;
    }

    @Property(tries = 60)
    void nonZeroGradientMovesTheRow(@ForAll("optimizers") OptimizerCatalogue.Entry e, @ForAll("semantics") SparseSemantics sem,
                                    @ForAll("dims") int dim, @ForAll long seed) {
        if (!OptimizerCatalogue.allows(e, sem)) return;
        SplittableRandom rnd = new SplittableRandom(seed);
        Table t = Table.embedding("t", 3, dim).fillNormal(rnd, 0.5);
        Optimizer opt = Optimizer.build(List.of(ParamGroup.of("g", e.chain(), "t").withSemantics(sem)), List.of(t));
        float[] before = t.data().clone();
        float[] g = new float[dim];
        for (int c = 0; c < dim; c++) g[c] = (float) ((0.1 + rnd.nextDouble()) * (rnd.nextBoolean() ? 1 : -1));
        int row = rnd.nextInt(3);
        opt.gradients(t).add(row, g, 0);
        opt.step();
        boolean moved = false;
        for (int c = 0; c < dim; c++) moved |= before[t.offset(row) + c] != t.get(row, c);
        assertTrue(moved, e + " " + sem + ": a non-zero gradient did not move row " + row);
        assertEquals(1, opt.rowUpdateCount(t, row));
    }

    @Property(tries = 60)
    void rowPathEqualsBatchPath(@ForAll("entries") OptimizerCatalogue.Entry e, @ForAll("dims") int dim, @ForAll long seed) {
        if (e.chain().transforms().stream().anyMatch(x -> x instanceof dev.sparsetrain.optim.transform.Transform.ClipByGlobalNorm)) return;
        Run run = Run.random(seed, dim, true);
        Table a = run.table(), b = run.table();
        Optimizer oa = Optimizer.build(List.of(ParamGroup.of("g", e.chain(), "t")), List.of(a));
        Optimizer ob = Optimizer.build(List.of(ParamGroup.of("g", e.chain(), "t")), List.of(b));
        RowUpdater u = ob.updater(b);
        GroupStats stats = ob.newStats();
        long nonFiniteBatch = 0;
        for (int s = 0; s < run.ids().size(); s++) {
            feed(oa, a, run.ids().get(s), run.grads().get(s));
            RowBatch rb = oa.gradients(a);
            // the per-row path needs coalesced rows: take them from a coalesced copy
            RowBatch copy = new RowBatch(dim);
            for (int i = 0; i < rb.size(); i++) copy.add(rb.row(i), rb.grads(), rb.gradOffset(i));
            copy.coalesce(run.rows());
            oa.step();
            nonFiniteBatch += oa.lastStep().get(0).nonFiniteGradients();
            for (int i = 0; i < copy.size(); i++) u.update(copy.row(i), copy.grads(), copy.gradOffset(i), s + 1, stats);
        }
        for (int k = 0; k < a.data().length; k++) {
            assertEquals(Float.floatToRawIntBits(a.data()[k]), Float.floatToRawIntBits(b.data()[k]), e + ": element " + k);
        }
        assertEquals(nonFiniteBatch, stats.nonFiniteGradients(0));
    }

    /**
     * A group of two tables behaves as one table of their rows stacked: per-row state is per table,
     * the step and the global clipping norm are the group's.
     */
    @Property(tries = 60)
    void groupOfTwoTablesActsAsOneStackedTable(@ForAll("entries") OptimizerCatalogue.Entry e, @ForAll("semantics") SparseSemantics sem,
                                              @ForAll("dims") int dim, @ForAll long seed) {
        if (!OptimizerCatalogue.allows(e, sem)) return;
        Run run = Run.random(seed, dim, false);
        int split = run.rows() / 2;
        Table a = Table.embedding("a", split, dim), b = Table.embedding("b", run.rows() - split, dim);
        for (int r = 0; r < run.rows(); r++) {
            for (int c = 0; c < dim; c++) {
                if (r < split) a.set(r, c, (float) run.init()[r][c]);
                else b.set(r - split, c, (float) run.init()[r][c]);
            }
        }
        Optimizer opt = Optimizer.build(List.of(ParamGroup.of("g", e.chain(), "a", "b").withSemantics(sem)), List.of(a, b));
        ReferenceOptimizer.Semantics rs = switch (sem) {
            case LAZY -> ReferenceOptimizer.Semantics.LAZY;
            case LAZY_ROWWISE_BIAS -> ReferenceOptimizer.Semantics.LAZY_ROWWISE_BIAS;
            case CATCH_UP, DENSE -> ReferenceOptimizer.Semantics.DENSE;
        };
        ReferenceOptimizer ref = new ReferenceOptimizer(e.config(), rs, run.initAsFloat());
        for (int s = 0; s < run.ids().size(); s++) {
            int[] ids = run.ids().get(s);
            double[][] g = run.grads().get(s);
            for (int i = 0; i < ids.length; i++) {
                Table t = ids[i] < split ? a : b;
                int off = opt.gradients(t).add(ids[i] < split ? ids[i] : ids[i] - split);
                for (int c = 0; c < dim; c++) opt.gradients(t).grads()[off + c] = (float) g[i][c];
            }
            opt.step();
            ref.step(ids, g);
        }
        opt.flush();
        for (int r = 0; r < run.rows(); r++) {
            for (int c = 0; c < dim; c++) {
                double want = ref.w[r][c];
                double got = r < split ? a.get(r, c) : b.get(r - split, c);
                if (!(Math.abs(want - got) <= 2e-4 * Math.max(1, Math.abs(want)))) {
                    fail(e + " " + sem + " dim " + dim + ": stacked row " + r + " col " + c + ": reference " + want + ", engine " + got);
                }
            }
        }
    }
}
