package dev.sparsetrain.data.features;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sparsetrain.testkit.Datasets;
import org.junit.jupiter.api.Test;

class TiktokDiffmmTest {
    @Test
    void loadsTheSplitAndFeaturesAsDocumented() {
        FeatureDataset d = TiktokDiffmm.load(Datasets.require("tiktok-diffmm"));
        System.out.println(d);
        System.out.println("features: " + d.features().summary());
        assertEquals(9308, d.users());
        assertEquals(6710, d.items());
        assertEquals(59541, d.train().size());
        assertEquals(3051, d.validation().size());
        assertEquals(6130, d.test().size());
        assertEquals(128, d.features().dim());
        int cold = 0;
        for (boolean c : d.coldItems()) if (c) cold++;
        assertEquals(465, cold);
        // float16 .npy and the float32 copy agree
        ItemFeatures raw = FeatureReader.readRawF32(Datasets.require("tiktok-diffmm").resolve("image_feat_f32le.bin"), 6710);
        org.junit.jupiter.api.Assertions.assertArrayEquals(raw.values(), d.features().values());
    }
}
