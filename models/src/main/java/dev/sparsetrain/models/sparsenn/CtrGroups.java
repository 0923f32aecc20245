package dev.sparsetrain.models.sparsenn;

import dev.sparsetrain.core.Table;
import dev.sparsetrain.optim.Chain;
import dev.sparsetrain.optim.ParamGroup;
import dev.sparsetrain.optim.SparseSemantics;
import java.util.ArrayList;
import java.util.List;

/**
 * The click models' optimizer groups, one per parameter kind: {@code embeddings} ({@code emb.*},
 * LAZY, L2, row clipping and norm constraints), {@code linear} ({@code lin.*}), {@code mlp_weights}
 * (DENSE, L2, global clipping) and {@code mlp_biases} (no L2): those that own a table, each with
 * the chain of its {@link TrainConfig#optimizer(String)} spec. Every group clips by value first when
 * {@link TrainConfig#clipValue()} is set.
 */
final class CtrGroups {
    private CtrGroups() {}

    static List<ParamGroup> of(SparseNN model, TrainConfig c) {
        List<String> emb = new ArrayList<>(), lin = new ArrayList<>(), w = new ArrayList<>(), b = new ArrayList<>();
        for (Table t : model.sparseTables()) (t.name().startsWith("lin.") ? lin : emb).add(t.name());
        for (Table t : model.denseTables()) (SparseNN.isBias(t) ? b : w).add(t.name());
        List<ParamGroup> out = new ArrayList<>();
        Chain ec = clipRows(chain("embeddings", c), c).withWeightDecay(c.embeddingL2());
        if (c.maxNorm() > 0) ec = ec.withMaxNorm(c.maxNorm());
        if (c.constantNorm() > 0) ec = ec.withConstantNorm(c.constantNorm());
        if (!emb.isEmpty()) {
            out.add(new ParamGroup("embeddings", ec, emb, SparseSemantics.LAZY, c.freezeEmbeddings()));
        }
        if (!lin.isEmpty()) {
            Chain lc = clipRows(chain("linear", c), c).withWeightDecay(c.embeddingL2());
            out.add(new ParamGroup("linear", lc, lin, SparseSemantics.LAZY, c.freezeEmbeddings()));
        }
        if (!w.isEmpty()) {
            Chain wc = clipGlobal(chain("mlp_weights", c), c).withWeightDecay(c.mlpL2());
            out.add(new ParamGroup("mlp_weights", wc, w, SparseSemantics.DENSE, c.freezeMlp()));
        }
        if (!b.isEmpty()) {
            out.add(new ParamGroup("mlp_biases", clipGlobal(chain("mlp_biases", c), c), b, SparseSemantics.DENSE,
                    c.freezeMlp()));
        }
        return out;
    }

    private static Chain clipRows(Chain ch, TrainConfig c) {
        return c.embeddingClipNorm() > 0 ? ch.withClipByRowNorm(c.embeddingClipNorm()) : ch;
    }

    private static Chain clipGlobal(Chain ch, TrainConfig c) {
        return c.mlpClipNorm() > 0 ? ch.withClipByGlobalNorm(c.mlpClipNorm()) : ch;
    }

    private static Chain chain(String group, TrainConfig c) {
        Chain ch = c.optimizer(group).toChain();
        return c.clipValue() > 0 ? ch.withClipByValue(c.clipValue()) : ch;   // clip by value first, before the row-norm clip
    }
}
