package dev.sparsetrain.models.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.RowBatch;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.optim.OptimizerState;
import dev.sparsetrain.optim.Optimizers;
import dev.sparsetrain.optim.ParamGroup;
import dev.sparsetrain.optim.SparseSemantics;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The mini-batch mode on a toy logistic regression (one id per sample in each of 3 sparse tables,
 * 2 dense features): the result does not depend on the thread count, bit for bit, and a state
 * exported under one thread count continues exactly under another.
 */
class MiniBatchTest {
    static final int N = 1000, TABLES = 3, ROWS = 50;
    static final int[][] IDS = new int[TABLES][N];
    static final float[] X = new float[N * 2];
    static final byte[] Y = new byte[N];

    static {
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < N; i++) {
            double logit = -0.5;
            for (int t = 0; t < TABLES; t++) {
                IDS[t][i] = r.nextInt(ROWS);
                logit += (IDS[t][i] % 7 - 3) * 0.3;
            }
            X[2 * i] = (float) r.nextGaussian();
            X[2 * i + 1] = (float) r.nextGaussian();
            logit += X[2 * i] - 0.5 * X[2 * i + 1];
            Y[i] = (byte) (r.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0);
        }
    }

    /** LR: logit = w . x + sum_t lin_t[id]; a permutation of the rows per epoch, seeded by the epoch. */
    static final class Toy implements MiniBatch.Model {
        final Table w = Table.dense("w", 1, 2);
        final Table[] lin = new Table[TABLES];
        int[] order = new int[N];

        Toy() {
            for (int t = 0; t < TABLES; t++) lin[t] = Table.embedding("lin" + t, ROWS, 1);
        }

        @Override public List<Table> denseTables() { return List.of(w); }

        @Override public List<Table> sparseTables() { return List.of(lin); }

        @Override public MiniBatch.Slot newSlot() { return new Slot(); }

        @Override
        public MiniBatch.ChunkWorker newWorker(int worker) {
            return (batch, chunk, from, count, batchSize, into) -> {
                Slot s = (Slot) into;
                for (int k = from; k < from + count; k++) {
                    int i = order[k];
                    double logit = w.data()[0] * X[2 * i] + w.data()[1] * X[2 * i + 1];
                    for (int t = 0; t < TABLES; t++) logit += lin[t].data()[IDS[t][i]];
                    double p = 1 / (1 + Math.exp(-logit));
                    s.loss -= Math.log(Y[i] == 1 ? p : 1 - p);
                    s.samples++;
                    s.pos += Y[i];
                    float g = (float) ((p - Y[i]) / batchSize);
                    s.dense[0] += g * X[2 * i];
                    s.dense[1] += g * X[2 * i + 1];
                    for (int t = 0; t < TABLES; t++) {
                        int off = s.sparse[t].add(IDS[t][i]);   // may grow the batch: read grads() after
                        s.sparse[t].grads()[off] += g;
                    }
                }
            };
        }

        @Override
        public int beginEpoch(int epoch, MiniBatch trainer) {
            SplittableRandom r = new SplittableRandom(epoch);
            for (int i = 0; i < N; i++) order[i] = i;
            for (int i = N - 1; i > 0; i--) {
                int j = r.nextInt(i + 1), t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            return N;
        }
    }

    static final class Slot implements MiniBatch.Slot {
        final float[] dense = new float[2];
        final RowBatch[] sparse = new RowBatch[TABLES];
        double loss;
        long samples, pos;

        Slot() {
            for (int t = 0; t < TABLES; t++) sparse[t] = new RowBatch(1);
        }

        @Override public float[] dense(int i) { return dense; }

        @Override public RowBatch sparse(int i) { return sparse[i]; }

        @Override
        public void clear() {
            java.util.Arrays.fill(dense, 0f);
            for (RowBatch b : sparse) b.clear();
            loss = 0;
            samples = pos = 0;
        }

        @Override public double lossSum() { return loss; }

        @Override public long samples() { return samples; }

        @Override public long positives() { return pos; }
    }

    static MiniBatch trainer(Toy m, int threads, String signature) {
        List<String> lins = List.of("lin0", "lin1", "lin2");
        List<ParamGroup> groups = List.of(
                new ParamGroup("linear", Optimizers.fromPyTorch("linear", "adagrad", Map.of("lr", 0.1)), lins, SparseSemantics.LAZY, false),
                new ParamGroup("dense", Optimizers.fromPyTorch("dense", "adam", Map.of("lr", 0.05)), List.of("w"), SparseSemantics.DENSE, false));
        return new MiniBatch(m, groups, threads, 64, signature);
    }

    static float[] params(Toy m) {
        float[] out = new float[2 + TABLES * ROWS];
        System.arraycopy(m.w.data(), 0, out, 0, 2);
        for (int t = 0; t < TABLES; t++) System.arraycopy(m.lin[t].data(), 0, out, 2 + t * ROWS, ROWS);
        return out;
    }

    static Trainer trainer(int epochs) {
        return new Trainer(TrainerConfig.defaults().withEpochs(epochs));
    }

    @Test
    void resultDoesNotDependOnTheThreadCountAndTheStateMovesBetweenThreadCounts() {
        Toy one = new Toy();
        Trainer.Result r1;
        try (MiniBatch t = trainer(one, 1, "toy")) {
            r1 = trainer(3).fit(t);
        }
        Toy three = new Toy();
        try (MiniBatch t = trainer(three, 3, "toy")) {
            Trainer.Result r3 = trainer(3).fit(t);
            assertEquals(r1.finalLoss(), r3.finalLoss());
            assertTrue(r3.finalLoss() < r3.history().get(0).loss(), "the loss falls: " + r3.history());
        }
        assertArrayEquals(params(one), params(three));

        // 1 epoch on 3 threads, state into a 2-thread trainer, 2 more epochs: the 1-thread run's result
        Toy a = new Toy();
        OptimizerState st;
        try (MiniBatch t = trainer(a, 3, "toy")) {
            trainer(1).fit(t);
            st = t.exportState();
        }
        try (MiniBatch t = trainer(a, 2, "toy")) {
            t.importState("state", st);
            trainer(3).fit(t, Trainer.State.after(1));
        }
        assertArrayEquals(params(one), params(a));
    }

    @Test
    void aStateOfAnotherSignatureOrWithoutOneIsRefused() {
        Toy m = new Toy();
        try (MiniBatch t = trainer(m, 1, "lr 0.1"); MiniBatch u = trainer(m, 1, "lr 0.2")) {
            trainer(1).fit(t);
            BadInputException e = assertThrows(BadInputException.class, () -> u.importState("f.ckpt", t.exportState()));
            assertTrue(e.getMessage().startsWith("f.ckpt: checkpoint of another training configuration: lr 0.1; this run: lr 0.2"),
                    e.getMessage());
            OptimizerState plain = new OptimizerState(Map.of(), List.of());
            assertTrue(assertThrows(BadInputException.class, () -> u.importState("m", plain)).getMessage().startsWith("m: no mini-batch"));
        }
    }
}
