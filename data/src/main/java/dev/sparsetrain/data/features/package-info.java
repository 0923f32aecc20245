/**
 * Dense item features for content-aware recommenders (VBPR): readers for raw little-endian
 * float32 matrices, NumPy {@code .npy} files (float16/float32/float64, C order) and delimited text
 * ({@code id v1 v2 ...}); fitted preprocessing ({@link dev.sparsetrain.data.features.Preprocessing}:
 * none, log1p, per-dimension standardization, row L2 normalization, max-abs scaling) whose
 * parameters are saved with a model; the tiktok-diffmm train/val/test reader; and a synthetic set
 * with 4,096-d non-negative, CNN-like, large-magnitude features and planted visual preferences.
 *
 * <p>Every reader validates what it reads (shape, finiteness, dtype) and refuses bad files with a
 * one-line {@link dev.sparsetrain.core.BadInputException} naming the file and the problem.
 */
package dev.sparsetrain.data.features;
