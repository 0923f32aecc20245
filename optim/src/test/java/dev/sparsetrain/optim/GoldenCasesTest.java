package dev.sparsetrain.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sparsetrain.optim.replay.CaseFiles;
import dev.sparsetrain.optim.replay.OptimizerCase;
import dev.sparsetrain.testkit.Datasets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every golden case of ../shared/golden/optim and optim-catchup (PyTorch 1.13 in float64), and of
 * this module's {@code golden-extra} test resources (RAdam, Rprop, ASGD from PyTorch; Adafactor,
 * Eve, LAMB, LARS, partial row-wise Adam from float64 transcriptions, see
 * {@code src/test/python/make_golden_extra.py}), reproduced within
 * {@code 1e-5 * max(1, |expected|)} per element, through the public API.
 */
class GoldenCasesTest {

    static Stream<Path> cases() throws IOException {
        Path optim = Datasets.requireGolden("optim");
        Path catchup = Datasets.requireGolden("optim-catchup");
        try (Stream<Path> a = Files.list(optim); Stream<Path> b = Files.list(catchup); Stream<Path> c = Files.list(extra())) {
            return Stream.of(a, b, c).flatMap(s -> s.filter(p -> p.toString().endsWith(".json")).sorted()).toList().stream();
        }
    }

    /** The golden cases generated for this module (test resources). */
    static Path extra() {
        try {
            return Path.of(GoldenCasesTest.class.getResource("/golden-extra").toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @org.junit.jupiter.api.Test
    void everyNewOptimizerHasGoldenCases() throws IOException {
        try (Stream<Path> s = Files.list(extra())) {
            java.util.Set<String> kinds = new java.util.TreeSet<>();
            for (Path p : s.filter(p -> p.toString().endsWith(".json")).toList()) kinds.add(CaseFiles.read(p).optimizer());
            assertEquals(new java.util.TreeSet<>(List.of("radam", "rprop", "asgd", "adafactor", "eve", "lamb", "lars_sgd", "partial_rowwise_adam")), kinds);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reproducesPyTorch(Path file) throws IOException {
        OptimizerCase c = CaseFiles.read(file);
        List<float[][]> got = c.replay(file.toString());
        List<double[][]> want = CaseFiles.expected(file);
        assertEquals(want.size(), got.size(), "number of tables");
        double worst = 0;
        for (int k = 0; k < want.size(); k++) {
            for (int r = 0; r < want.get(k).length; r++) {
                for (int j = 0; j < want.get(k)[r].length; j++) {
                    double e = want.get(k)[r][j], a = got.get(k)[r][j];
                    double err = Math.abs(e - a) / Math.max(1, Math.abs(e));
                    worst = Math.max(worst, err);
                    if (!(err <= 1e-5)) {
                        fail(file.getFileName() + ": step " + k + " row " + r + " col " + j + ": expected " + e + ", got " + a);
                    }
                }
            }
        }
        System.out.printf("golden %-32s worst relative error %.2e%n", file.getFileName(), worst);
    }
}
