package dev.sparsetrain.optim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.core.Table;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The per-row hot path allocates nothing once warm (measured with the thread's allocation counter). */
class AllocationTest {

    static List<OptimizerCatalogue.Entry> entries() { return OptimizerCatalogue.OPTIMIZERS; }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void rowUpdatesAllocateNothing(OptimizerCatalogue.Entry e) {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        if (!mx.isThreadAllocatedMemorySupported()) return;
        for (SparseSemantics sem : new SparseSemantics[] {SparseSemantics.LAZY, SparseSemantics.CATCH_UP,
                e.biasCorrected() ? SparseSemantics.LAZY_ROWWISE_BIAS : SparseSemantics.DENSE}) {
            if (!OptimizerCatalogue.allows(e, sem)) continue;
            int rows = 256, dim = 64;
            Table t = Table.embedding("t", rows, dim).fillNormal(new SplittableRandom(1), 0.1);
            Optimizer o = Optimizer.build(List.of(ParamGroup.of("g", e.chain().withClipByRowNorm(10), "t").withSemantics(sem)), List.of(t));
            RowUpdater u = o.updater(t);
            GroupStats stats = o.newStats();
            float[] g = new float[dim];
            java.util.Arrays.fill(g, 0.01f);
            long tid = Thread.currentThread().threadId();
            long allocated = Long.MAX_VALUE;
            // Until C2 has compiled the path: the Vector API allocates a box per vector in the
            // interpreter and in C1 code. On a loaded machine the compile queue lags, so warm up by
            // time (up to 60 s per entry), not by a fixed count (8 rounds failed under load: JFR
            // a boxed vector passed to a lane-sum helper C2 had not inlined).
            long deadline = System.nanoTime() + 60_000_000_000L;
            for (int round = 0; allocated >= 2048 && (round < 8 || System.nanoTime() < deadline); round++) {
                for (int i = 0; i < 40_000; i++) u.update(i % rows, g, 0, 1 + i / 40, stats);
                long before = mx.getThreadAllocatedBytes(tid);
                for (int i = 0; i < 20_000; i++) u.update((i * 7) % rows, g, 0, 1000, stats);
                allocated = mx.getThreadAllocatedBytes(tid) - before;
            }
            assertTrue(allocated < 2048, e + " " + sem + ": " + allocated + " bytes allocated in 20000 row updates");
        }
    }
}
