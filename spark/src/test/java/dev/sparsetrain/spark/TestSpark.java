package dev.sparsetrain.spark;

import org.apache.spark.api.java.JavaSparkContext;

/**
 * The tests' one {@code local[2]} context, started by the first test class that asks and shared
 * by the others (Spark allows one context per JVM, and starting one takes seconds); stopped when
 * the test JVM exits.
 */
final class TestSpark {
    private static JavaSparkContext sc;

    private TestSpark() {}

    static synchronized JavaSparkContext context() {
        if (sc == null) {
            sc = SparkSessions.local(2);
            JavaSparkContext c = sc;
            Runtime.getRuntime().addShutdownHook(new Thread(c::close, "spark-test-stop"));
        }
        return sc;
    }
}
