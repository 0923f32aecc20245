package dev.sparsetrain.data;

import java.util.Objects;

/**
 * A train/test pair over the same id maps and sizes.
 *
 * @param train the interactions to learn from
 * @param test  the held-out interactions (disjoint from train)
 */
public record Split(Interactions train, Interactions test) {
    public Split {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
        if (train.numUsers() != test.numUsers() || train.numItems() != test.numItems()) {
            throw new IllegalArgumentException("train is " + train.numUsers() + " x " + train.numItems()
                    + " but test is " + test.numUsers() + " x " + test.numItems());
        }
    }
}
