package io.github.bilevel.bsgm.data;

import java.util.Objects;

/**
 * A training set and a test set with the same features and classes, as one directory of data
 * holds them.
 *
 * @param train the training examples
 * @param test  the test examples
 */
public record TrainTest(Dataset train, Dataset test) {

  public TrainTest {
    Objects.requireNonNull(train, "train");
    Objects.requireNonNull(test, "test");
  }
}
