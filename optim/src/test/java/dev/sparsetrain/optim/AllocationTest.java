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
            // until the JIT has compiled the path (the Vector API allocates in the interpreter), up to 8 rounds
            for (int round = 0; round < 8 && allocated >= 2048; round++) {
                for (int i = 0; i < 40_000; i++) u.update(i % rows, g, 0, 1 + i / 40, stats);
                long before = mx.getThreadAllocatedBytes(tid);
                for (int i = 0; i < 20_000; i++) u.update((i * 7) % rows, g, 0, 1000, stats);
                allocated = mx.getThreadAllocatedBytes(tid) - before;
            }
            assertTrue(allocated < 2048, e + " " + sem + ": " + allocated + " bytes allocated in 20000 row updates");
        }
    }
}
