package dev.sparsetrain.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.core.RowBatch;
import dev.sparsetrain.core.Table;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Optimizer state in the chunked layout (forced with tiny chunks of 4 rows) gives bit-identical
 * weights and state to the flat layout, for every optimizer and transform of the catalogue under
 * every semantic it allows, and a state exported from one layout resumes exactly in the other.
 */
class ChunkedStateTest {
    static final int ROWS = 37, DIM = 3, STEPS = 6;

    static <T> T chunked(Supplier<T> s) {
        String old = System.getProperty(Table.LAYOUT_PROPERTY), oldRows = System.getProperty(Table.CHUNK_ROWS_PROPERTY);
        System.setProperty(Table.LAYOUT_PROPERTY, "chunked");
        System.setProperty(Table.CHUNK_ROWS_PROPERTY, "4");
        try {
            return s.get();
        } finally {
            if (old == null) System.clearProperty(Table.LAYOUT_PROPERTY); else System.setProperty(Table.LAYOUT_PROPERTY, old);
            if (oldRows == null) System.clearProperty(Table.CHUNK_ROWS_PROPERTY); else System.setProperty(Table.CHUNK_ROWS_PROPERTY, oldRows);
        }
    }

    record Setup(Table t, Optimizer opt) {}

    static Setup build(OptimizerCatalogue.Entry e, SparseSemantics sem) {
        Table t = Table.embedding("t", ROWS, DIM).fillNormal(new SplittableRandom(11), 0.5);
        return new Setup(t, Optimizer.build(List.of(ParamGroup.of("g", e.chain(), "t").withSemantics(sem)), List.of(t)));
    }

    static void train(Setup s, long seed, int steps) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int k = 0; k < steps; k++) {
            RowBatch b = s.opt.gradients(s.t);
            for (int i = 0; i < 12; i++) {
                int off = b.add(rnd.nextInt(ROWS));   // duplicates and rows in every chunk
                for (int c = 0; c < DIM; c++) b.grads()[off + c] = (float) rnd.nextGaussian();
            }
            s.opt.step();
        }
    }

    static void assertSame(String what, Setup a, Setup b) {
        assertTrue(a.t.sameValues(b.t), what + ": weights differ");
        List<Table> sa = a.opt.exportState().tables(), sb = b.opt.exportState().tables();
        assertEquals(sa.size(), sb.size(), what);
        for (int i = 0; i < sa.size(); i++) assertTrue(sa.get(i).sameValues(sb.get(i)), what + ": state " + sa.get(i).name() + " differs");
    }

    @Test
    void chunkedStateTrainsBitIdenticallyAndResumesAcrossLayouts() {
        int cases = 0;
        for (OptimizerCatalogue.Entry e : OptimizerCatalogue.all()) {
            for (SparseSemantics sem : SparseSemantics.values()) {
                if (!OptimizerCatalogue.allows(e, sem)) continue;
                String what = e.name() + " / " + sem;
                Setup flat = build(e, sem);
                Setup ch = chunked(() -> build(e, sem));
                assertEquals(Table.Layout.FLAT, flat.t.layout());
                assertEquals(Table.Layout.CHUNKED, ch.t.layout());
                train(flat, 5, STEPS);
                train(ch, 5, STEPS);
                flat.opt.flush();
                ch.opt.flush();
                assertSame(what, flat, ch);
                // resume the chunked run's state in a fresh flat optimizer and continue both
                Setup resumed = build(e, sem);
                resumed.t.copyFrom(ch.t);
                resumed.opt.importState("test", ch.opt.exportState());
                train(resumed, 9, 3);
                train(ch, 9, 3);
                resumed.opt.flush();
                ch.opt.flush();
                assertSame(what + " resumed", resumed, ch);
                cases++;
            }
        }
        assertTrue(cases > 30, "cases " + cases);
    }

    @Test
    void stateEstimateMatchesWhatKernelsAllocate() {
        for (OptimizerCatalogue.Entry e : OptimizerCatalogue.all()) {
            var o = e.chain().optimizer();
            var k = dev.sparsetrain.optim.kernel.RowKernel.create(o, 5, 7);
            assertEquals(k.stateBytesPerRow(), 4 * dev.sparsetrain.optim.kernel.RowKernel.stateFloatsPerRow(o, 7), e.name());
        }
    }

    @Test
    void stateLargerThanTheHeapIsRefusedBeforeAllocation() {
        // a table that fits, but whose Adam state would not: only checkable when the heap is small,
        // so build the message check on the helper the runtime calls
        var ex = org.junit.jupiter.api.Assertions.assertThrows(dev.sparsetrain.core.BadInputException.class,
                () -> Table.requireHeap("table 'item' 2000000000 x 16 floats with its adam state (132 bytes per row)", 2_000_000_000L * 196));
        assertTrue(ex.getMessage().matches("table 'item' 2000000000 x 16 floats with its adam state \\(132 bytes per row\\) = 392\\.0 GB; the heap allows [0-9.]+ GB \\(-Xmx.*\\)"), ex.getMessage());
    }
}
