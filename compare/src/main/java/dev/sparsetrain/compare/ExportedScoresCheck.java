package dev.sparsetrain.compare;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.data.Interactions;
import dev.sparsetrain.data.features.FeatureDataset;
import dev.sparsetrain.data.features.TiktokDiffmm;
import dev.sparsetrain.metrics.ranking.ColdStart;
import dev.sparsetrain.metrics.ranking.RankingEvaluator;
import dev.sparsetrain.metrics.ranking.RankingReport;
import dev.sparsetrain.metrics.ranking.Scorer;
import dev.sparsetrain.models.vbpr.UserItems;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scores a model trained elsewhere (the PyTorch scripts in {@code compare/pytorch}) with this
 * project's evaluator, so that both evaluators can be compared on the same trained model:
 *
 * <pre>
 *   s_ui = U[u] . I[i] + off[i]       users.npy (users x w), items.npy (items x w), offsets.npy (items), float32
 *   AUC, cold-start AUC: {@link RankingEvaluator} and {@link ColdStart} exactly as
 *   {@code VbprEvaluator.evaluateFull} calls them (held-out split against train; cold = never in train)
 * </pre>
 *
 * <pre>
 *   java -cp "compare/target/sparsetrain-compare-0.1.0-SNAPSHOT.jar:$(cat compare/target/classpath.txt)" \
 *       dev.sparsetrain.compare.ExportedScoresCheck FACTOR_DIR [DATA_DIR (../shared/data/tiktok-diffmm)] [test|val]
 * </pre>
 *
 * Reads only little-endian float32 C-order {@code .npy} files (version 1 or 2 headers).
 */
public final class ExportedScoresCheck {
    private ExportedScoresCheck() {}

    /** A float32 matrix read from a {@code .npy} file; a 1-d array has {@code cols == 1}. */
    record Matrix(int rows, int cols, float[] data) {}

    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\((\\d+),\\s*(\\d*)\\)?");

    static Matrix readNpy(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        if (b.length < 10 || (b[0] & 0xff) != 0x93 || !new String(b, 1, 5, StandardCharsets.ISO_8859_1).equals("NUMPY")) {
            throw new BadInputException(file + ": not a .npy file (no \\x93NUMPY magic)");
        }
        int major = b[6];
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int headerLen = major == 1 ? Short.toUnsignedInt(bb.getShort(8)) : bb.getInt(8);
        int start = (major == 1 ? 10 : 12) + headerLen;
        String header = new String(b, major == 1 ? 10 : 12, headerLen, StandardCharsets.ISO_8859_1);
        if (!header.contains("'descr': '<f4'") || !header.contains("'fortran_order': False")) {
            throw new BadInputException(file + ": header " + header.trim() + ", need descr '<f4' and fortran_order False");
        }
        Matcher m = SHAPE.matcher(header);
        if (!m.find()) throw new BadInputException(file + ": no shape in header " + header.trim());
        int rows = Integer.parseInt(m.group(1));
        int cols = m.group(2).isEmpty() ? 1 : Integer.parseInt(m.group(2));
        long n = (long) rows * cols;
        if (b.length - start != n * 4) {
            throw new BadInputException(file + ": " + (b.length - start) + " data bytes, shape needs " + n * 4);
        }
        float[] d = new float[(int) n];
        bb.position(start);
        bb.asFloatBuffer().get(d);
        return new Matrix(rows, cols, d);
    }

    /** The exported model as a {@link Scorer} (safe for concurrent calls). */
    static Scorer scorer(Matrix users, Matrix items, Matrix offsets) {
        if (users.cols() != items.cols() || offsets.rows() != items.rows() || offsets.cols() != 1) {
            throw new BadInputException("shapes: users " + users.rows() + "x" + users.cols() + ", items " + items.rows() + "x"
                    + items.cols() + ", offsets " + offsets.rows() + "x" + offsets.cols() + "; need equal widths and one offset per item");
        }
        final int w = users.cols(), n = items.rows();
        return new Scorer() {
            @Override
            public int numItems() { return n; }

            @Override
            public void scoreAll(int u, float[] out) {
                float[] U = users.data(), I = items.data(), off = offsets.data();
                for (int i = 0; i < n; i++) {
                    float s = 0;   // sequential float sum, as a float32 dot of small width
                    for (int c = 0; c < w; c++) s += U[u * w + c] * I[i * w + c];
                    out[i] = s + off[i];
                }
            }
        };
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args[0].equals("--help")) {
            System.out.println("usage: ExportedScoresCheck FACTOR_DIR [DATA_DIR] [test|val]");
            return;
        }
        Path dir = Path.of(args[0]);
        Path data = Path.of(args.length > 1 ? args[1] : "../shared/data/tiktok-diffmm");
        String split = args.length > 2 ? args[2] : "test";
        FeatureDataset d = TiktokDiffmm.load(data);
        Matrix users = readNpy(dir.resolve("users.npy")), items = readNpy(dir.resolve("items.npy")), off = readNpy(dir.resolve("offsets.npy"));
        if (users.rows() != d.users() || items.rows() != d.items()) {
            throw new BadInputException(dir + ": " + users.rows() + " users x " + items.rows() + " items, data has " + d.users() + " x " + d.items());
        }
        Interactions train = new UserItems(d.users(), d.train()).toInteractions(d.items());
        Interactions held = new UserItems(d.users(), split.equals("val") ? d.validation() : d.test()).toInteractions(d.items());
        Scorer s = scorer(users, items, off);
        RankingEvaluator.Options opt = RankingEvaluator.Options.defaults().withKs(20).withThreads(2);
        RankingReport all = RankingEvaluator.evaluate(s, held, List.of(train), opt);
        RankingReport cold = ColdStart.evaluate(s, held, train, List.of(train), opt);
        System.out.printf(Locale.ROOT, "sparsetrain evaluator on %s (%s): AUC %.6f over %d users, cold-start AUC %.6f over %d users, Recall@20 %.4f, NDCG@20 %.4f%n",
                dir, split, all.auc(), all.users(), cold.auc(), cold.users(), all.recall()[0], all.ndcg()[0]);
    }
}
