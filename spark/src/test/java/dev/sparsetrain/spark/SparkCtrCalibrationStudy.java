package dev.sparsetrain.spark;

import dev.sparsetrain.models.sparsenn.BiasRefit;

import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.data.ctr.CtrRawData;
import dev.sparsetrain.data.ctr.CtrReader;
import dev.sparsetrain.data.ctr.EncoderConfig;
import dev.sparsetrain.data.ctr.FeatureEncoder;
import dev.sparsetrain.data.ctr.SyntheticCtr;
import dev.sparsetrain.metrics.ctr.CtrEvaluation;
import dev.sparsetrain.metrics.ctr.CtrMetrics;
import dev.sparsetrain.models.sparsenn.ModelConfig;
import dev.sparsetrain.models.sparsenn.SparseNN;
import dev.sparsetrain.models.sparsenn.TrainConfig;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The seed study behind docs/spark.md's calibration figures (not a test: minutes of work).
 * Replays Spark training in one JVM ({@link SparkCtrCalibrationTest#replay}, equal to Spark
 * training bit for bit) for seeds 1..S and prints mean and spread of test calibration and NE,
 * without and with the bias re-fit.
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector -cp "spark/target/test-classes:spark/target/classes:$(cat spark/target/classpath.txt)" \
 *       dev.sparsetrain.spark.SparkCtrCalibrationStudy DATA MODEL SEEDS PASSES [CONFIGS]
 *   DATA: criteo (../shared/data/criteo-kaggle-dac-head10k, first 8,000 rows train, last 2,000 test) or a row count (synthetic)
 *   MODEL: lr, fm or nn     CONFIGS: comma-separated, "single[:batch]" or "P:rounds:merge[:batch]"
 * </pre>
 */
public final class SparkCtrCalibrationStudy {
    private SparkCtrCalibrationStudy() {}

    public static void main(String[] a) {
        CtrData tr, te;
        if (a[0].equals("criteo")) {
            CtrRawData raw = CtrReader.readCriteo(Path.of("../shared/data/criteo-kaggle-dac-head10k/train-10k.txt"), false);
            FeatureEncoder enc = FeatureEncoder.fit(raw.slice(0, 8000), EncoderConfig.hashing(100_000));
            tr = enc.encode(raw.slice(0, 8000));
            te = enc.encode(raw.slice(8000, 10000));
        } else {
            int rows = Integer.parseInt(a[0]);
            SyntheticCtr gen = new SyntheticCtr(SyntheticCtr.Config.study(1));
            tr = gen.generate(rows, 2).data();
            te = gen.generate(rows / 2, 3).data();
        }
        ModelConfig mc = switch (a[1]) {
            case "lr" -> ModelConfig.defaults().withType(ModelConfig.Type.LOGISTIC);
            case "fm" -> ModelConfig.defaults().withType(ModelConfig.Type.FM);
            default -> ModelConfig.defaults();
        };
        int seeds = Integer.parseInt(a[2]), passes = Integer.parseInt(a[3]);
        String[] configs = (a.length > 4 ? a[4] : "single,2:4:touched,2:4:average,2:4:sum,4:4:touched").split(",");
        System.out.printf(Locale.ROOT, "%s %s, %d pass(es), seeds 1..%d: train CTR %.4f, test CTR %.4f%n", a[0], mc.type(), passes, seeds,
                tr.clickRate(), te.clickRate());
        for (String c : configs) {
            for (boolean refit : new boolean[] {false, true}) {
                double[] cal = new double[seeds];
                double ne = 0;
                for (int s = 0; s < seeds; s++) {
                    TrainConfig tc = TrainConfig.defaults().toBuilder().threads(1).seed(s + 1).numPasses(passes).build();
                    String[] f = c.split(":");
                    SparseNN m;
                    if (f[0].equals("single")) {
                        if (f.length > 1) tc = tc.toBuilder().batchSize(Integer.parseInt(f[1])).build();
                        m = SparkCtrCalibrationTest.single(tr, mc, tc);
                        if (refit) BiasRefit.apply(m, BiasRefit.Histogram.of(m.predict(tr), tr.labels()).shift());
                    } else {
                        if (f.length > 3) tc = tc.toBuilder().batchSize(Integer.parseInt(f[3])).build();
                        m = SparkCtrCalibrationTest.replay(tr, mc, tc,
                                new SparkCtrTrainer.Config(Integer.parseInt(f[0]), Integer.parseInt(f[1]), ItemMerge.parse(f[2]), refit));
                    }
                    CtrEvaluation e = CtrMetrics.evaluate(te.labels(), m.predict(te), Double.NaN);
                    cal[s] = e.calibration();
                    ne += e.ne() / seeds;
                }
                double mean = 0, sd = 0, lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
                for (double v : cal) {
                    mean += v / seeds;
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
                for (double v : cal) sd += (v - mean) * (v - mean);
                sd = seeds > 1 ? Math.sqrt(sd / (seeds - 1)) : 0;
                System.out.printf(Locale.ROOT, "  %-16s re-fit %-3s: test calibration %.3f (sd %.3f, %.3f..%.3f), test NE %.4f%n", c,
                        refit ? "on" : "off", mean, sd, lo, hi, ne);
            }
        }
    }
}
