package dev.sparsetrain.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.data.features.FeatureDataset;
import dev.sparsetrain.data.features.ItemFeatures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The small public helpers library users need: remapping onto saved ids, FeatureDataset.of, per-row impressions. */
class LibraryHelpersTest {

    @Test
    void remapLinesPairsUpWithAnotherIdMapAndDropsUnknownIds() {
        Interactions.Builder b = new Interactions.Builder();
        b.add("alice", "x", 5f).add("bob", "y", 3f).add("carol", "z", 1f).add("alice", "y", 2f);
        Interactions in = b.build();
        IdMap users = IdMap.of(List.of("bob", "alice"));          // carol unknown
        IdMap items = IdMap.of(List.of("y", "x", "w"));           // z unknown, w unused
        Interactions r = in.remap(users, items);
        assertEquals(2, r.numUsers());
        assertEquals(3, r.numItems());
        assertEquals(3, r.size());
        assertArrayEquals(new int[] {0}, r.itemsOf(0));           // bob: y
        assertArrayEquals(new int[] {0, 1}, r.itemsOf(1));        // alice: y, x
        assertEquals(5f, r.weight(1, 1));
        assertEquals(2f, r.weight(1, 0));
        assertSame(in, in.remap(in.users(), in.items()));
    }

    @Test
    void featureDatasetOfInfersUsersAndItems(@TempDir Path dir) throws Exception {
        Path train = dir.resolve("train.tsv");
        Files.writeString(train, "0\t1\n3\t2\n# comment\n\n");
        FeatureDataset.Pairs tr = FeatureDataset.Pairs.read(train);
        FeatureDataset.Pairs va = new FeatureDataset.Pairs(new int[] {1}, new int[] {0});
        FeatureDataset.Pairs te = new FeatureDataset.Pairs(new int[] {5}, new int[] {3});
        ItemFeatures f = new ItemFeatures("f", 4, 2, new float[8]);
        FeatureDataset d = FeatureDataset.of("d", tr, va, te, f);
        assertEquals(6, d.users());
        assertEquals(4, d.items());
        assertEquals(2, d.train().size());
        assertTrue(d.coldItems()[3]);
        ItemFeatures three = new ItemFeatures("f", 3, 2, new float[6]);
        assertThrows(BadInputException.class, () -> FeatureDataset.of("d", tr, va, te, three));   // item 3 has no row
        Files.writeString(train, "0\tx\n");
        BadInputException e = assertThrows(BadInputException.class, () -> FeatureDataset.Pairs.read(train));
        assertTrue(e.getMessage().contains(":1"), e.getMessage());
    }

    @Test
    void pairsOfInteractionsKeepEveryPairByIndex() {
        Interactions in = Interactions.of(4, new int[] {2, 0}, new int[] {}, new int[] {3});
        FeatureDataset.Pairs p = FeatureDataset.Pairs.of(in);
        assertArrayEquals(new int[] {0, 0, 2}, p.users());
        assertArrayEquals(new int[] {0, 2, 3}, p.items());
    }

    @Test
    void impressionsPerRowLooksUpTheRowsIdInTheTrainingCounts() {
        // feature 0 single-valued, feature 1 multi-valued (row 1 has no id)
        CtrData train = new CtrData(new String[] {"a", "b"}, new String[0], 3, new byte[3], new float[0], new int[] {3, 2},
                new int[][] {null, {0, 1, 1, 2}}, new int[][] {{0, 0, 2}, {1, 0}});
        CtrData test = new CtrData(new String[] {"a", "b"}, new String[0], 2, new byte[2], new float[0], new int[] {3, 2},
                new int[][] {null, {0, 0, 2}}, new int[][] {{2, 1}, {0, 1}});
        assertArrayEquals(new int[] {1, 0}, test.impressionsPerRow(0, train.impressions(0)));
        assertArrayEquals(new int[] {0, 1}, test.impressionsPerRow(1, train.impressions(1)));   // row 0 no id; row 1 first id 0
        assertThrows(IllegalArgumentException.class, () -> test.impressionsPerRow(0, new int[2]));
    }
}
