package dev.sparsetrain.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/** Spark contexts for in-process runs (tests, local runs without spark-submit). */
public final class SparkSessions {
    private SparkSessions() {}

    /**
     * A {@code local[threads]} context without the web UI, named "sparsetrain", warnings only.
     * Spark refuses a second context in one JVM: close it when done.
     */
    public static JavaSparkContext local(int threads) {
        SparkConf c = new SparkConf().setMaster("local[" + threads + "]").setAppName("sparsetrain")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1");
        JavaSparkContext sc = new JavaSparkContext(c);
        sc.setLogLevel("WARN");
        return sc;
    }
}
