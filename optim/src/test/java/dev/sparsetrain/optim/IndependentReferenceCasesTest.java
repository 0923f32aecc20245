package dev.sparsetrain.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sparsetrain.optim.replay.CaseFiles;
import dev.sparsetrain.optim.replay.OptimizerCase;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hand-made cases in the golden format for hyperparameter combinations and sparse situations the
 * shipped golden cases do not cover: sparse SGD momentum with dampening where a row is first touched
 * after step 1 (PyTorch's sparse momentum buffer is created once, for the whole tensor, at step 1),
 * Nesterov with weight decay, centered RMSProp with momentum and weight decay, Adagrad with
 * lr_decay + weight decay + initial accumulator, AdamW AMSGrad with a {@code betas} list, duplicate
 * row ids in one sparse step (summed first) for Adagrad, SparseAdam, row-wise AdaGrad and a
 * clip-by-norm SGD, and catch-up cases for AdaDelta, NAdam, centered RMSProp with momentum and
 * AMSGrad with weight decay.
 *
 * <p>The expected tables come from a separate float64 Python transcription of PyTorch 1.13's
 * {@code torch/optim/*.py} single-tensor paths (written for review, independent of this module's
 * own {@code ReferenceOptimizer}), which reproduces every shipped golden case to 1e-15; catch-up
 * expectations are the dense optimizer fed zero gradients for the unnamed rows.
 */
class IndependentReferenceCasesTest {

    static Stream<Path> cases() throws IOException, URISyntaxException {
        Path dir = Path.of(IndependentReferenceCasesTest.class.getResource("independent").toURI());
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTheFloat64Transcription(Path file) throws IOException {
        OptimizerCase c = CaseFiles.read(file);
        List<float[][]> got = c.replay(file.toString());
        List<double[][]> want = CaseFiles.expected(file);
        assertEquals(want.size(), got.size(), "number of tables");
        double worst = 0;
        boolean moved = false;
        for (int k = 0; k < want.size(); k++) {
            for (int r = 0; r < want.get(k).length; r++) {
                for (int j = 0; j < want.get(k)[r].length; j++) {
                    double e = want.get(k)[r][j], a = got.get(k)[r][j];
                    moved |= e != c.init()[r][j];
                    double err = Math.abs(e - a) / Math.max(1, Math.abs(e));
                    worst = Math.max(worst, err);
                    if (!(err <= 1e-5)) fail(file.getFileName() + ": table " + k + " row " + r + " col " + j + ": expected " + e + ", got " + a);
                }
            }
        }
        assertTrue(moved, "the case moves some weight");
        System.out.printf("independent %-52s worst relative error %.2e%n", file.getFileName(), worst);
    }
}
