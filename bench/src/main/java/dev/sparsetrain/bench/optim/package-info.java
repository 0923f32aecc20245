/** JMH benchmarks of the optimizer runtime: one row update per call, per optimizer. */
package dev.sparsetrain.bench.optim;
