package dev.sparsetrain.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** --verbose, --seed and --threads, declared once: each command's own seed default, parsed values, and the help text. */
class CommonOptionsTest {
    @Command(name = "recommender")
    static final class Recommender {
        @Mixin VerboseOption verbose = new VerboseOption();
        @Mixin SeedOption seed = new SeedOption(42);
        @Mixin ThreadsOption threads = new ThreadsOption();
    }

    @Test
    void absentOptionsKeepTheCommandsDefaults() {
        Recommender r = new Recommender();
        new CommandLine(r).parseArgs();
        assertFalse(r.verbose.verbose());
        assertEquals(42, r.seed.seed());
        assertNull(r.threads.given());
        assertEquals(Runtime.getRuntime().availableProcessors(), r.threads.threadsOrAvailable());
        assertEquals(1, ClickTrainOptionsSeed.of(new ClickTrainOptions()), "the click trainers' seed default (a mixin inside their mixin)");
    }

    @Test
    void givenValuesArrive() {
        Recommender r = new Recommender();
        new CommandLine(r).parseArgs("--verbose", "--seed", "7", "--threads", "3");
        assertTrue(r.verbose.verbose());
        assertEquals(7, r.seed.seed());
        assertEquals(3, r.threads.given());
        assertEquals(3, r.threads.threadsOrAvailable());
    }

    @Test
    void helpShowsEachCommandsOwnSeedDefault() {
        assertTrue(usage(new Recommender()).contains("Default: 42."), usage(new Recommender()));
        StringWriter w = new StringWriter();
        ClickTrainOptions t = new ClickTrainOptions();
        new CommandLine(new Holder(t)).usage(new PrintWriter(w));
        String clicks = w.toString().replaceAll("\\s+", " ");   // picocli wraps long descriptions
        assertTrue(clicks.contains("Master seed (initialisation, sampling, random starts); with one thread a run repeats bit for bit. Default: 1."), clicks);
        String help = usage(new Recommender()).replaceAll("\\s+", " ");
        assertTrue(help.contains("--verbose") && help.contains("Stack traces on errors."), help);
        assertTrue(help.contains("Worker threads. Default: the available processors; 2 for VBPR and visual-only"), help);
    }

    @Command(name = "holder")
    static final class Holder {
        @Mixin ClickTrainOptions train;
        Holder(ClickTrainOptions t) { train = t; }
    }

    /** The click trainers' seed as it reaches their config. */
    static final class ClickTrainOptionsSeed {
        static long of(ClickTrainOptions o) {
            new CommandLine(new Holder(o)).parseArgs();
            return o.config(1, 1).seed();
        }
    }

    static String usage(Object command) {
        StringWriter w = new StringWriter();
        new CommandLine(command).usage(new PrintWriter(w));
        return w.toString();
    }
}
