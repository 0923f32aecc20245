/**
 * Training on Apache Spark, for data sets that outgrow one machine: data-parallel BPR-MF
 * ({@link dev.sparsetrain.spark.SparkBprTrainer}) with user factors held where each user's
 * interactions live and the item table synchronised by model averaging of sparse deltas; data
 * read, split and evaluated on the executors ({@link dev.sparsetrain.spark.SparkInput}) or given
 * by the driver; and a {@code spark-submit} entry point ({@link dev.sparsetrain.spark.SparkBprMain}). Click models
 * (SparseNN/DLRM, LR, FM) train by local SGD on row partitions with model averaging
 * ({@link dev.sparsetrain.spark.SparkCtrTrainer}, entry point {@link dev.sparsetrain.spark.SparkCtrMain}) with the
 * single-machine {@code CtrTrainer} in every task, either broadcasting the model each round or, with
 * {@link dev.sparsetrain.spark.ShardedCtrTrainer}, keeping the embedding rows and their optimizer
 * state in an RDD partitioned by id, fetched by a join per round and reduced by id (the driver
 * never holds a table; {@link dev.sparsetrain.spark.ShardedCtrModel} scores and saves part files). BPR-MF
 * ({@link dev.sparsetrain.spark.ShardedBprTrainer}) and VBPR ({@link dev.sparsetrain.spark.ShardedVbprTrainer},
 * entry point {@link dev.sparsetrain.spark.SparkVbprMain}) can also shard both factor tables by DSGD strata. The model math,
 * optimizer runtime, samplers, evaluation and model files are the single-machine ones of
 * {@code dev.sparsetrain.models.bpr}, {@code .vbpr} and {@code .sparsenn}; Spark is a {@code provided} dependency and never enters the
 * command-line jar.
 */
package dev.sparsetrain.spark;
