/** {@code benchmark ...}: whole-run training throughput (samples/s, wall time, peak memory) of BPR-MF, VBPR and SparseNN. */
package dev.sparsetrain.cli.bench;
