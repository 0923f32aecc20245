/**
 * JMH micro-benchmarks of BPR-MF's per-sample path: negative sampling with the membership test
 * and the fused SGD step, on a synthetic catalogue shaped like MovieLens 1M.
 */
package dev.sparsetrain.bench.bpr;
