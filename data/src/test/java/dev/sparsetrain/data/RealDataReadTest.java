package dev.sparsetrain.data;

import static org.junit.jupiter.api.Assertions.*;

import dev.sparsetrain.testkit.Datasets;
import org.junit.jupiter.api.Test;

class RealDataReadTest {
    @Test
    void movieLens100k() {
        var d = KnownDatasets.movieLens100k(Datasets.require("movielens-100k"), ReadOptions.defaults());
        var in = d.interactions();
        assertEquals(100_000, in.size());
        assertEquals(943, in.numUsers());
        assertEquals(1682, in.numItems());
        assertEquals("Toy Story (1995)", d.titles().get("1"));
        assertTrue(d.titles().values().stream().anyMatch(t -> t.contains("\u00e9")), "latin-1 titles decoded");
        var pos = KnownDatasets.movieLens100k(Datasets.require("movielens-100k"), ReadOptions.defaults().withThreshold(4));
        assertEquals(34_174 + 21_201, pos.interactions().size());
        System.out.printf("ml-100k: %s%n", d.summary());
    }

    @Test
    void movieLens100kOfficialFolds() {
        var dir = Datasets.require("movielens-100k");
        var s = Splits.movieLens100kOfficial(dir, "u1", ReadOptions.defaults());
        assertEquals(80_000, s.train().size());
        assertEquals(20_000, s.test().size());
        int u = s.train().users().indexOf("1"), i = s.train().items().indexOf("1");
        assertTrue(s.train().contains(u, i) ^ s.test().contains(u, i));
    }

    @Test
    void movieLens1mAndLastFm() {
        long t0 = System.nanoTime();
        var d = KnownDatasets.movieLens1m(Datasets.require("movielens-1m"), ReadOptions.defaults());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(1_000_209, d.interactions().size());
        assertEquals(6040, d.interactions().numUsers());
        assertEquals(3706, d.interactions().numItems());
        assertEquals("Toy Story (1995)", d.titles().get("1"));
        System.out.printf("ml-1m: %s (read in %d ms, %d titles)%n", d.summary(), ms, d.titles().size());
        // the original '::' format (first 10,000 lines of ratings.dat), ISO-8859-1
        var dat = InteractionReader.read(Datasets.require("movielens-1m").resolve("ratings_first10k.dat"), DelimitedFormat.movieLensDat(),
                ReadOptions.defaults());
        assertEquals(10_000, dat.interactions().size());
        assertEquals(70, dat.interactions().numUsers());
        var u1 = dat.interactions().users().indexOf("1");
        assertEquals(5f, dat.interactions().weight(u1, dat.interactions().items().indexOf("1193")));
        var l = KnownDatasets.lastFm(Datasets.require("lastfm-hetrec2011-2k"), ReadOptions.defaults());
        assertEquals(92_834, l.interactions().size());
        assertEquals(1892, l.interactions().numUsers());
        assertEquals(17_632, l.interactions().numItems());
        assertEquals(13883f, l.interactions().weight(l.interactions().users().indexOf("2"), l.interactions().items().indexOf("51")));
        assertEquals("MALICE MIZER", l.titles().get("1"));
    }
}
