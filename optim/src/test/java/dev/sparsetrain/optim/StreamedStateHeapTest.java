package dev.sparsetrain.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.core.Table;
import dev.sparsetrain.core.io.ModelFile;
import dev.sparsetrain.optim.transform.Adam;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint of optimizer state makes no second copy: in a forked JVM with a 200 MB heap, a
 * 655,360 x 16 table under Adam (weights, two moments: 126 MB, plus the row counts) is written
 * with {@link Optimizer#stateView()} into a model file and read back into the live arrays with
 * {@link Optimizer#stateReader}, values equal; the control, {@link Optimizer#exportState()} (a
 * copy, 89 MB more), finds no room in the same JVM setup (refused by the heap check, or out of memory). Memory by construction, not timed.
 */
class StreamedStateHeapTest {
    static final int ROWS = 655_360, DIM = 16;

    @Test
    void stateWritesAndReadsWithoutASecondCopyInASmallHeap(@TempDir Path dir) throws Exception {
        String view = fork(dir, "view");
        assertTrue(view.contains("streamed: written and restored, equal"), view);
        String copy = fork(dir, "copy");
        assertTrue(copy.contains("copy: no room"), "the heap must be too small for a copy, else the test shows nothing: " + copy);
    }

    private static String fork(Path dir, String mode) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx200m", "-Xmn16m", "-XX:+UseSerialGC", "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), dir.toString(), mode));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    /** The forked program: train a few steps, then "view" (stream out and back) or "copy" (exportState). */
    public static final class Main {
        public static void main(String[] args) {
            Table w = Table.embedding("w", ROWS, DIM);
            w.fillNormal(new SplittableRandom(1), 0.1);
            Optimizer o = Optimizer.build(List.of(ParamGroup.of("g", Chain.of(0.01, new Adam(0.9, 0.999, 1e-8, false, false)), "w")), List.of(w));
            SplittableRandom r = new SplittableRandom(2);
            float[] g = new float[DIM];
            for (int s = 0; s < 20; s++) {
                for (int k = 0; k < 2000; k++) {
                    for (int c = 0; c < DIM; c++) g[c] = (float) r.nextGaussian();
                    o.gradients(w).add(r.nextInt(ROWS), g, 0);
                }
                o.step();
            }
            long before = hash(o, w);
            if (args[1].equals("copy")) {
                try {
                    OptimizerState st = o.exportState();
                    System.out.println("copy: made (" + st.tables().size() + " tables)");
                } catch (OutOfMemoryError e) {
                    System.out.println("copy: no room (OutOfMemoryError)");
                } catch (dev.sparsetrain.core.BadInputException e) {   // Table's heap check refuses it before allocating
                    System.out.println("copy: no room (" + e.getMessage() + ")");
                }
                return;
            }
            Path f = Path.of(args[0], "state.model");
            OptimizerState view = o.stateView();
            ModelFile.write(f, new ModelFile.Contents("test", "{}", view.metadata(), Map.of(), List.of(w)), view.streams());
            for (int row = 0; row < ROWS; row++) o.resetRow(w, row);   // forget everything, then read it back
            w.fill(0);
            OptimizerState.Reader[] reader = {null};
            ModelFile.read(f, h -> {
                reader[0] = o.stateReader(f.toString(), h.metadata());
                return new ModelFile.Placement() {
                    @Override public Table into(String name, Table.Kind kind, int rows, int dim) {
                        return name.equals("w") ? w : reader[0].into(name, kind, rows, dim);
                    }

                    @Override public ModelFile.Sink sink(String name, Table.Kind kind, int rows, int dim) { return reader[0].sink(name, kind, rows, dim); }
                };
            });
            reader[0].finish();
            long after = hash(o, w);
            System.out.println(before == after ? "streamed: written and restored, equal" : "streamed: DIFFERENT " + before + " " + after);
        }

        static long hash(Optimizer o, Table w) {
            long h = 17;
            for (int row = 0; row < ROWS; row++) {
                h = h * 31 + o.rowUpdateCount(w, row);
                for (int c = 0; c < DIM; c++) {
                    h = h * 31 + Float.floatToRawIntBits(w.get(row, c));
                    h = h * 31 + Float.floatToRawIntBits(o.state(w, 0, row, c));
                    h = h * 31 + Float.floatToRawIntBits(o.state(w, 1, row, c));
                }
            }
            return h;
        }
    }
}
