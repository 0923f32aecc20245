package dev.sparsetrain.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.core.io.ModelFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Save and restore of optimizer state: k steps, export, a fresh optimizer on copies of the
 * tables imports the state, then both take the same further steps and must stay bit-identical,
 * for every optimizer and transform of the catalogue, every sparse semantics, the batch path and
 * the per-row path; the state also goes through a {@link ModelFile} on the way.
 */
class OptimizerStateTest {
    @TempDir
    Path dir;

    /** One update: table index, row, gradient. */
    private record Grad(int table, int row, float[] g) {}

    private static List<Table> tables() {
        return List.of(Table.embedding("a", 9, 5), Table.embedding("b", 6, 1));
    }

    private static List<Table> copies(List<Table> ts) {
        List<Table> c = new ArrayList<>();
        for (Table t : ts) c.add(t.copy());
        return c;
    }

    /** steps x updates: a few rows per table per step, duplicates included, some rows never touched. */
    private static List<List<Grad>> gradients(long seed, int steps, List<Table> ts) {
        SplittableRandom r = new SplittableRandom(seed);
        List<List<Grad>> out = new ArrayList<>();
        for (int s = 0; s < steps; s++) {
            List<Grad> step = new ArrayList<>();
            for (int t = 0; t < ts.size(); t++) {
                int n = 1 + r.nextInt(3);
                for (int k = 0; k < n; k++) {
                    float[] g = new float[ts.get(t).dim()];
                    for (int c = 0; c < g.length; c++) g[c] = (float) r.nextGaussian();
                    step.add(new Grad(t, r.nextInt(ts.get(t).rows() - 1), g)); // the last row stays idle
                }
            }
            out.add(step);
        }
        return out;
    }

    private static void run(Optimizer o, List<Table> ts, List<List<Grad>> steps, long firstStep, boolean perRow) {
        GroupStats stats = o.newStats();
        long s = firstStep;
        for (List<Grad> step : steps) {
            o.setObjective(2 + Math.sin(s)); // Eve's feedback moves; other optimizers ignore it
            for (Grad g : step) {
                Table t = ts.get(g.table());
                if (perRow) o.updater(t).update(g.row(), g.g().clone(), 0, s, stats);
                else o.gradients(t).add(g.row(), g.g(), 0);
            }
            if (!perRow) o.step();
            s++;
        }
        if (perRow) o.report(stats);
    }

    private static Optimizer build(Chain chain, SparseSemantics sem, List<Table> ts) {
        return Optimizer.build(List.of(ParamGroup.of("g", chain, "a", "b").withSemantics(sem)), ts);
    }

    @Test
    void resumedOptimizerIsBitIdenticalForEveryKindSemanticsAndPath() {
        int cases = 0;
        for (OptimizerCatalogue.Entry e : OptimizerCatalogue.all()) {
            for (SparseSemantics sem : SparseSemantics.values()) {
                if (!OptimizerCatalogue.allows(e, sem)) continue;
                for (boolean perRow : new boolean[] {false, true}) {
                    if (perRow && e.name().contains("GlobalNorm")) continue; // batch path only
                    String what = e.name() + " " + sem + (perRow ? " per-row" : " batch");
                    List<Table> ta = tables();
                    SplittableRandom init = new SplittableRandom(3);
                    for (Table t : ta) t.fillNormal(init.split(), 0.5);
                    Optimizer a = build(e.chain(), sem, ta);
                    List<List<Grad>> first = gradients(11, 4, ta), then = gradients(12, 5, ta);
                    run(a, ta, first, 1, perRow);
                    a.setLearningRateMultiplier("g", 0.75);

                    OptimizerState saved = a.exportState();
                    Path p = dir.resolve("s" + cases + ".model");
                    List<Table> onDisk = new ArrayList<>(copies(ta));
                    onDisk.addAll(saved.tables());
                    ModelFile.write(p, new ModelFile.Contents("test", "{}", saved.metadata(), null, onDisk));
                    ModelFile.Contents back = ModelFile.read(p);

                    List<Table> tb = new ArrayList<>();
                    for (Table t : back.tables()) if (!OptimizerState.isStateTable(t)) tb.add(t);
                    Optimizer b = build(e.chain(), sem, tb);
                    b.importState(p.toString(), OptimizerState.from(back.metadata(), back.tables()));
                    assertEquals(a.stepCount("g"), b.stepCount("g"), what);
                    assertEquals(a.learningRateMultiplier("g"), b.learningRateMultiplier("g"), what);

                    run(a, ta, then, 5, perRow);
                    run(b, tb, then, 5, perRow);
                    a.flush();
                    b.flush();
                    for (int t = 0; t < ta.size(); t++) {
                        assertArrayEquals(bits(ta.get(t)), bits(tb.get(t)), what + ": table " + ta.get(t).name());
                    }
                    OptimizerState sa = a.exportState(), sb = b.exportState();
                    assertEquals(sa.metadata(), sb.metadata(), what);
                    for (int t = 0; t < sa.tables().size(); t++) {
                        assertArrayEquals(bits(sa.tables().get(t)), bits(sb.tables().get(t)), what + ": " + sa.tables().get(t).name());
                    }
                    cases++;
                }
            }
        }
        System.out.printf("optimizer state save/restore: %d (optimizer, semantics, path) cases bit-identical after resume%n", cases);
        assertTrue(cases > 100, "cases " + cases);
    }

    @Test
    void withoutTheStateAnAdaptiveOptimizerDiverges() {
        List<Table> ta = tables();
        Optimizer a = build(Optimizers.adam(0.01), SparseSemantics.LAZY, ta);
        run(a, ta, gradients(1, 4, ta), 1, false);
        List<Table> tb = copies(ta);
        Optimizer b = build(Optimizers.adam(0.01), SparseSemantics.LAZY, tb);
        List<List<Grad>> then = gradients(2, 3, ta);
        run(a, ta, then, 5, false);
        run(b, tb, then, 5, false);
        assertFalse(java.util.Arrays.equals(ta.get(0).data(), tb.get(0).data()), "a restarted Adam must differ (the test has teeth)");
    }

    @Test
    void mismatchesAreRefusedInOneLineNamingTheFile() {
        List<Table> ta = tables();
        Optimizer a = build(Optimizers.adam(0.01), SparseSemantics.CATCH_UP, ta);
        run(a, ta, gradients(1, 3, ta), 1, false);
        OptimizerState s = a.exportState();

        var kind = assertThrows(BadInputException.class,
                () -> build(Optimizers.adagrad(0.01), SparseSemantics.CATCH_UP, copies(ta)).importState("ck.model", s));
        assertTrue(kind.getMessage().startsWith("ck.model: ") && kind.getMessage().contains("adam") && kind.getMessage().contains("adagrad"), kind.getMessage());
        var hyper = assertThrows(BadInputException.class,
                () -> build(Optimizers.adam(0.02), SparseSemantics.CATCH_UP, copies(ta)).importState("ck.model", s));
        assertTrue(hyper.getMessage().contains("lr=0.02"), hyper.getMessage());
        var sem = assertThrows(BadInputException.class,
                () -> build(Optimizers.adam(0.01), SparseSemantics.LAZY, copies(ta)).importState("ck.model", s));
        assertTrue(sem.getMessage().contains("LAZY"), sem.getMessage());
        var shape = assertThrows(BadInputException.class,
                () -> build(Optimizers.adam(0.01), SparseSemantics.CATCH_UP, List.of(Table.embedding("a", 10, 5), Table.embedding("b", 6, 1)))
                        .importState("ck.model", s));
        assertTrue(shape.getMessage().contains("optim/g/a/m") && shape.getMessage().contains("9 x 5"), shape.getMessage());
        List<Table> fewer = new ArrayList<>(s.tables());
        fewer.removeIf(t -> t.name().equals("optim/g/b/v"));
        var missing = assertThrows(BadInputException.class,
                () -> build(Optimizers.adam(0.01), SparseSemantics.CATCH_UP, copies(ta)).importState("ck.model", new OptimizerState(s.metadata(), fewer)));
        assertTrue(missing.getMessage().contains("optim/g/b/v") && missing.getMessage().contains("missing"), missing.getMessage());
        // a damaged integer piece refuses the whole state and changes nothing
        List<Table> bad = new ArrayList<>();
        for (Table t : s.tables()) {
            Table c = t.copy();
            if (t.name().equals("optim/g/a/rowCount")) c.data()[1] = 0.5f;
            bad.add(c);
        }
        Optimizer fresh = build(Optimizers.adam(0.01), SparseSemantics.CATCH_UP, copies(ta));
        var damaged = assertThrows(BadInputException.class, () -> fresh.importState("ck.model", new OptimizerState(s.metadata(), bad)));
        assertTrue(damaged.getMessage().contains("damaged"), damaged.getMessage());
        assertEquals(0, fresh.stepCount("g"));
        for (var m : List.of(kind, hyper, sem, shape, missing, damaged)) assertFalse(m.getMessage().contains("\n"));
    }

    private static int[] bits(Table t) {
        float[] d = t.data();
        int[] b = new int[d.length];
        for (int i = 0; i < d.length; i++) b[i] = Float.floatToRawIntBits(d[i]);
        return b;
    }
}
