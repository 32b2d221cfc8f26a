package io.github.bilevel.bsgm;

import io.github.bilevel.kernels.DVector;
import java.util.Objects;

/**
 * A vector of an {@link AlgorithmState} with its name in the papers' terms ({@code w},
 * {@code v}, {@code d}, ...), so that a checkpoint can record and check what it holds.
 *
 * @param name   the vector's name, unique within its state
 * @param vector the buffer itself (a checkpoint reads into it in place)
 */
public record NamedVector(String name, DVector vector) {

  public NamedVector {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(vector, "vector");
  }
}
