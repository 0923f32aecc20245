package dev.sparsetrain.models.sparsenn;

import dev.sparsetrain.core.BadInputException;

/**
 * The architecture of a click model.
 *
 * <p>{@link Type#SPARSENN} (DLRM, Naumov et al. 2019): every sparse feature f has an embedding
 * table; its ids are sum-pooled into {@code e_f} (dimension {@code embeddingDim}); the dense
 * features go through the bottom MLP (ReLU layers {@code bottomHidden}, then a ReLU projection to
 * {@code embeddingDim}) giving {@code z_0}; the interaction is either the pairwise dot products
 * {@code <z_i, z_j>, i < j} over {@code z_0, e_1..e_F} concatenated with {@code z_0}
 * ({@link Interaction#DOT}) or the concatenation of all vectors ({@link Interaction#CONCAT}); the
 * top MLP (ReLU layers {@code topHidden}, then a linear layer to one logit) and a sigmoid give the
 * click probability. {@link Type#LOGISTIC} is {@code b + w.x + sum_f w_f[id_f]};
 * {@link Type#FM} adds {@code sum_{i<j} <v_i, v_j>} over the fields (Rendle 2010), a dense feature
 * k contributing {@code x_k v_k}.
 *
 * <p>Defaults ({@link #defaults()}): SparseNN, dim 16, bottom 64, top 64, dot interactions, init
 * std 0.05 for embeddings (PyTorch DLRM uses U(-1/sqrt(rows), 1/sqrt(rows)), which is tiny for
 * hashed tables and slows the dot interactions at the start).
 *
 * @param type model family
 * @param embeddingDim embedding dimension (>= 1)
 * @param bottomHidden hidden widths of the bottom MLP (the projection to embeddingDim is added)
 * @param topHidden hidden widths of the top MLP (the final layer to 1 logit is added)
 * @param interaction DOT or CONCAT
 * @param embeddingInitStd std of the normal initialisation of embeddings
 */
public record ModelConfig(Type type, int embeddingDim, int[] bottomHidden, int[] topHidden, Interaction interaction,
                          double embeddingInitStd) {

    /** Model family. */
    public enum Type { SPARSENN, LOGISTIC, FM }

    /** How embeddings meet in SparseNN. */
    public enum Interaction { DOT, CONCAT }

    public ModelConfig {
        if (type == null) throw new BadInputException("model: type missing, allowed: SPARSENN, LOGISTIC, FM");
        if (embeddingDim < 1) throw new BadInputException("model: embeddingDim=" + embeddingDim + ", must be >= 1");
        bottomHidden = bottomHidden == null ? new int[0] : bottomHidden.clone();
        topHidden = topHidden == null ? new int[0] : topHidden.clone();
        for (int w : bottomHidden) if (w < 1) throw new BadInputException("model: bottom MLP width " + w + ", must be >= 1");
        for (int w : topHidden) if (w < 1) throw new BadInputException("model: top MLP width " + w + ", must be >= 1");
        if (interaction == null) interaction = Interaction.DOT;
        if (!(embeddingInitStd >= 0)) throw new BadInputException("model: embeddingInitStd=" + embeddingInitStd + ", must be >= 0");
    }

    public static ModelConfig defaults() {
        return new ModelConfig(Type.SPARSENN, 16, new int[] {64}, new int[] {64}, Interaction.DOT, 0.05);
    }

    public ModelConfig withType(Type t) { return new ModelConfig(t, embeddingDim, bottomHidden, topHidden, interaction, embeddingInitStd); }

    public ModelConfig withDim(int d) { return new ModelConfig(type, d, bottomHidden, topHidden, interaction, embeddingInitStd); }

    public ModelConfig withBottom(int... w) { return new ModelConfig(type, embeddingDim, w, topHidden, interaction, embeddingInitStd); }

    public ModelConfig withTop(int... w) { return new ModelConfig(type, embeddingDim, bottomHidden, w, interaction, embeddingInitStd); }

    public ModelConfig withInteraction(Interaction i) { return new ModelConfig(type, embeddingDim, bottomHidden, topHidden, i, embeddingInitStd); }

    public ModelConfig withInitStd(double s) { return new ModelConfig(type, embeddingDim, bottomHidden, topHidden, interaction, s); }
}
