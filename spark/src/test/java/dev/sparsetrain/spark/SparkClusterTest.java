package dev.sparsetrain.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BPR-MF on a real (single-host) Spark cluster: {@code local-cluster[2,1,1024]} starts a
 * standalone master, workers and two executor JVMs, so tasks, broadcasts and shuffles cross
 * process boundaries as on a cluster. Each run is a separate driver JVM running
 * {@link SparkBprMain}; the executors get Spark and this project's classes through a Spark home
 * assembled from this test's class path (jars linked, class folders packed into jars).
 *
 * <p>An executor is killed (SIGKILL) right after the second epoch:
 * <ul>
 *   <li>with {@code --checkpoint-dir}, the worker starts a new executor, the lost partitions'
 *       state is read back from the directory, and the run ends with a model file byte-identical
 *       to an undisturbed run's;</li>
 *   <li>without it, the run fails with one line that names the fix.</li>
 * </ul>
 */
class SparkClusterTest {
    @TempDir static Path home;
    static String classPath;

    static final List<String> JVM = List.of("--add-modules", "jdk.incubator.vector",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED", "-Xmx1g");

    /** A Spark home whose jars/ holds every entry of this JVM's class path (folders packed as jars). */
    @BeforeAll
    static void sparkHome() throws IOException {
        Path jars = Files.createDirectories(home.resolve("jars"));
        Files.createFile(home.resolve("RELEASE"));   // a distribution's layout: jars/ holds the class path
        List<String> entries = new ArrayList<>();
        int n = 0;
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(e);
            if (Files.isDirectory(p)) {
                Path jar = jars.resolve("classes-" + (n++) + ".jar");
                packFolder(p, jar);
                entries.add(jar.toString());
            } else if (e.endsWith(".jar") && Files.isRegularFile(p)) {
                Path link = jars.resolve((n++) + "-" + p.getFileName());
                Files.createSymbolicLink(link, p.toAbsolutePath());
                entries.add(link.toString());
            }
        }
        classPath = String.join(java.io.File.pathSeparator, entries);
    }

    /**
     * The links to the class path's jars go before JUnit cleans the temporary folder, which would
     * otherwise log a warning for each of the ~160 links it deletes.
     */
    @AfterAll
    static void removeLinks() throws IOException {
        try (var s = Files.list(home.resolve("jars"))) {
            for (Path p : s.toList()) if (Files.isSymbolicLink(p)) Files.delete(p);
        }
    }

    static void packFolder(Path dir, Path jar) throws IOException {
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(os);
             Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                out.putNextEntry(new JarEntry(dir.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
    }

    record Outcome(int code, String out, boolean killed) {}

    static final List<String> BPR = List.of(SparkBprMain.class.getName(), "--synthetic-users", "1500", "--synthetic-items", "600",
            "--epochs", "5", "--partitions", "2");
    static final List<String> CTR = List.of(SparkCtrMain.class.getName(), "--synthetic-rows", "20000", "--passes", "3",
            "--syncs-per-pass", "2", "--spark-partitions", "2");

    /** Runs SparkBprMain on the cluster; {@code kill}: SIGKILL one executor once epoch 2 is reported. */
    static Outcome run(boolean kill, String... args) throws Exception {
        return run(BPR, "epoch 2:", kill, args);
    }

    /** Runs {@code main} (class and its base arguments) on the cluster, killing one executor after the line {@code trigger}. */
    static Outcome run(List<String> main, String trigger, boolean kill, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(JVM);
        cmd.addAll(List.of("-cp", classPath, main.get(0), "--master", "local-cluster[2,1,1024]"));
        cmd.addAll(main.subList(1, main.size()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("SPARK_HOME", home.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.13");
        Process driver = pb.start();
        StringBuilder out = new StringBuilder();
        boolean killed = false;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(driver.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (!line.contains(" INFO ")) out.append(line).append('\n');
                if (kill && !killed && line.contains(trigger)) {
                    ProcessHandle executor = driver.descendants()
                            .filter(p -> p.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend")).findFirst().orElseThrow();
                    executor.destroyForcibly();
                    killed = true;
                    out.append("### killed executor JVM ").append(executor.pid()).append('\n');
                }
            }
        }
        assertTrue(driver.waitFor(240, TimeUnit.SECONDS), "driver finished");
        return new Outcome(driver.exitValue(), out.toString(), killed);
    }

    static String line(String out, String prefix) {
        return out.lines().filter(l -> l.startsWith(prefix)).findFirst().orElse("(no '" + prefix + "' line)");
    }

    @Test
    void aKilledExecutorIsSurvivedWithACheckpointDirectoryAndNamedWithout(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("undisturbed.model"), b = dir.resolve("killed.model");
        Outcome clean = run(false, "--checkpoint-dir", dir.resolve("ck-a").toString(), "--out", a.toString());
        assertEquals(0, clean.code(), clean.out());
        assertTrue(clean.out().contains("master local-cluster[2,1,1024]"), clean.out());

        Outcome survived = run(true, "--checkpoint-dir", dir.resolve("ck-b").toString(), "--out", b.toString());
        System.out.println("cluster, checkpoint directory, executor killed after epoch 2: exit " + survived.code() + "; "
                + line(survived.out(), "auc") + " against undisturbed " + line(clean.out(), "auc"));
        assertTrue(survived.killed(), "an executor was killed");
        assertEquals(0, survived.code(), survived.out());
        assertTrue(survived.out().contains("Lost executor"), "Spark saw the executor go: " + survived.out());
        assertEquals(-1, Files.mismatch(a, b), "the model equals the undisturbed run's, byte for byte");

        Outcome failed = run(true, "--out", dir.resolve("c.model").toString());
        String last = failed.out().strip().lines().reduce((x, y) -> y).orElse("");
        System.out.println("cluster, local checkpoints, executor killed after epoch 2: exit " + failed.code() + "; " + last);
        assertEquals(1, failed.code(), failed.out());
        assertTrue(last.startsWith("sparsetrain-spark: an executor was lost") && last.contains("--checkpoint-dir"), last);
        assertTrue(!Files.exists(dir.resolve("c.model")), "no model file from a failed run");
    }

    @Test
    void aClickModelSurvivesAKilledExecutorWithACheckpointDirectory(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("undisturbed.model"), b = dir.resolve("killed.model");
        Outcome clean = run(CTR, "pass 1:", false, "--checkpoint-dir", dir.resolve("ck-a").toString(), "--save", a.toString());
        assertEquals(0, clean.code(), clean.out());
        Outcome survived = run(CTR, "pass 1:", true, "--checkpoint-dir", dir.resolve("ck-b").toString(), "--save", b.toString());
        System.out.println("cluster, SparseNN, checkpoint directory, executor killed after pass 1: exit " + survived.code() + "; "
                + line(survived.out(), "  test") + " against undisturbed " + line(clean.out(), "  test"));
        assertTrue(survived.killed(), "an executor was killed");
        assertEquals(0, survived.code(), survived.out());
        assertTrue(survived.out().contains("Lost executor"), "Spark saw the executor go: " + survived.out());
        // the files' metadata hold the data description and the test figures, equal too; compare the parameters bit for bit
        var x = dev.sparsetrain.models.sparsenn.SparseNN.load(a).tables();
        var y = dev.sparsetrain.models.sparsenn.SparseNN.load(b).tables();
        for (int t = 0; t < x.size(); t++) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(x.get(t).data(), y.get(t).data(), x.get(t).name());
        }
    }

    @Test
    void aShardedClickModelSurvivesAKilledExecutorWithACheckpointDirectory(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("undisturbed"), b = dir.resolve("killed");
        List<String> sharded = new ArrayList<>(CTR);
        sharded.addAll(List.of("--embeddings", "sharded"));
        Outcome clean = run(sharded, "pass 1:", false, "--checkpoint-dir", dir.resolve("ck-a").toString(), "--save", a.toString());
        assertEquals(0, clean.code(), clean.out());
        Outcome survived = run(sharded, "pass 1:", true, "--checkpoint-dir", dir.resolve("ck-b").toString(), "--save", b.toString());
        System.out.println("cluster, SparseNN with sharded embeddings, checkpoint directory, executor killed after pass 1: exit " + survived.code()
                + "; " + line(survived.out(), "  test") + " against undisturbed " + line(clean.out(), "  test") + "; " + line(survived.out(), "trained"));
        assertTrue(survived.killed(), "an executor was killed");
        assertEquals(0, survived.code(), survived.out());
        assertTrue(survived.out().contains("Lost executor"), "Spark saw the executor go: " + survived.out());
        // the part files as read back (every table whole): parameters bit for bit
        var x = dev.sparsetrain.models.sparsenn.ShardedModelFiles.read(a).tables();
        var y = dev.sparsetrain.models.sparsenn.ShardedModelFiles.read(b).tables();
        assertEquals(x.size(), y.size());
        for (int t = 0; t < x.size(); t++) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(x.get(t).data(), y.get(t).data(), x.get(t).name());
        }
    }
}
