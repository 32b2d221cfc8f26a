package io.github.bilevel.bsgm.runner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.bsgm.AlgorithmState;
import io.github.bilevel.bsgm.NamedVector;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Backends;
import io.github.bilevel.kernels.DVector;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checkpoints of named vectors and counters: a run resumed from one continues bit for bit, the
 * counters matter (resuming with them reset gives another trajectory), and files of another
 * shape or the older format are refused with a reason.
 */
class CheckpointTest {

  private static final Backend BACKEND = Backends.byName("simd");
  private static final Map<String, String> OPTIONS = Map.of("d", "10", "m", "4", "samples",
      "100");

  private static Workload workload() {
    return QuadraticWorkload.FACTORY.create(BACKEND, OPTIONS, 3);
  }

  /** Runs {@code iterations} iterations of {@code state} from {@code first} with seed 5. */
  private static <S extends AlgorithmState> void advance(UpperLevelMethod<S> method, S state,
      DVector lambda, int first, int iterations) {
    SplittableRandom random = new SplittableRandom(5 + first);
    for (int s = 0; s < iterations; s++) {
      method.iterate(state, lambda, random);
    }
  }

  /**
   * λ after 8 + 8 iterations: uninterrupted ({@code mode} 0), resumed from a checkpoint after 8
   * (1), or resumed with the state's counters reset to 0 (2).
   */
  private static double[] run(String algorithm, int mode, Path file) {
    try (Workload workload = workload(); Arena arena = Arena.ofShared()) {
      double[] at;
      try (UpperLevelMethod<?> method = workload.method(algorithm, MethodOverrides.NONE)) {
        at = firstHalf(method, arena, workload.upperDimension(), mode, file);
      }
      if (mode == 0) {
        return at;
      }
      try (UpperLevelMethod<?> method = workload.method(algorithm, MethodOverrides.NONE)) {
        return secondHalf(method, arena, workload.upperDimension(), mode, file);
      }
    }
  }

  private static <S extends AlgorithmState> double[] firstHalf(UpperLevelMethod<S> method,
      Arena arena, int m, int mode, Path file) {
    DVector lambda = BACKEND.vector(arena, m);
    S state = method.init(lambda);
    advance(method, state, lambda, 0, 8);
    if (mode == 0) {
      advance(method, state, lambda, 8, 8);
    } else {
      new Checkpoint(8, 0, 0.0, false).write(file, lambda, state);
    }
    return lambda.toArray();
  }

  private static <S extends AlgorithmState> double[] secondHalf(UpperLevelMethod<S> method,
      Arena arena, int m, int mode, Path file) {
    DVector lambda = BACKEND.vector(arena, m);
    S state = method.init(lambda);
    Checkpoint at = Checkpoint.read(file, lambda, state);
    assertEquals(8, at.iteration());
    if (mode == 2) {
      state.restoreCounters(new long[state.counterNames().size()]);
    }
    advance(method, state, lambda, 8, 8);
    return lambda.toArray();
  }

  @ParameterizedTest
  @ValueSource(strings = {"bsgm", "stocbio", "amigo", "alset", "alset-dagger", "bsa", "mrbo",
      "vrbo", "soba", "saba", "srba", "ttsa", "fsla", "sustain", "f2sa", "bome", "aid", "aid-fp",
      "itd"})
  void aResumedMethodContinuesBitForBit(String algorithm, @TempDir Path temp) {
    Path file = temp.resolve("a.ckpt");
    assertArrayEquals(run(algorithm, 0, file), run(algorithm, 1, file), 0.0, algorithm);
  }

  /** The algorithms whose steps depend on the iteration counter (schedules, η_k, the period). */
  @ParameterizedTest
  @ValueSource(strings = {"bsgm", "bsa", "mrbo", "vrbo", "soba", "srba", "ttsa", "fsla",
      "sustain", "f2sa"})
  void theCountersAreRestoredAndTheyMatter(String algorithm, @TempDir Path temp) {
    Path file = temp.resolve("a.ckpt");
    double[] whole = run(algorithm, 0, file);
    assertFalse(Arrays.equals(whole, run(algorithm, 2, file)),
        algorithm + ": resuming without the counters must change the trajectory");
    try (Workload workload = workload(); Arena arena = Arena.ofShared();
        UpperLevelMethod<?> method = workload.method(algorithm, MethodOverrides.NONE)) {
      AlgorithmState state = method.init(BACKEND.vector(arena, 4));
      Checkpoint.read(file, BACKEND.vector(arena, 4), state);
      assertEquals(8, state.counters()[state.counterNames().indexOf("iteration")]);
    }
  }

  @Test
  void theWarmStartClocksAndVectorsAreNamed(@TempDir Path temp) {
    try (Workload workload = workload(); Arena arena = Arena.ofShared();
        UpperLevelMethod<?> method = workload.method("amigo", MethodOverrides.NONE)) {
      AlgorithmState state = method.init(BACKEND.vector(arena, 4));
      assertEquals(List.of("w", "v"), state.vectors().stream().map(NamedVector::name).toList());
      assertEquals(List.of("iteration", "lower_clock", "linear_clock"), state.counterNames());
      state.restoreCounters(new long[] {3, 30, 31});
      Path file = temp.resolve("a.ckpt");
      new Checkpoint(3, 10, 1.0, false).write(file, BACKEND.vector(arena, 4), state);
      AlgorithmState fresh = method.init(BACKEND.vector(arena, 4));
      Checkpoint.read(file, BACKEND.vector(arena, 4), fresh);
      assertArrayEquals(new long[] {3, 30, 31}, fresh.counters());
      assertThrows(IllegalArgumentException.class, () -> fresh.restoreCounters(new long[] {1}));
      assertThrows(IllegalArgumentException.class,
          () -> fresh.restoreCounters(new long[] {1, -1, 0}));
    }
  }

  @Test
  void anotherAlgorithmsCheckpointIsRefusedNamingTheVectors(@TempDir Path temp) {
    Path file = temp.resolve("a.ckpt");
    try (Workload workload = workload(); Arena arena = Arena.ofShared();
        UpperLevelMethod<?> mrbo = workload.method("mrbo", MethodOverrides.NONE);
        UpperLevelMethod<?> vrbo = workload.method("vrbo", MethodOverrides.NONE)) {
      DVector lambda = BACKEND.vector(arena, 4);
      new Checkpoint(1, 1, 0.0, false).write(file, lambda, mrbo.init(lambda));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Checkpoint.read(file, lambda, vrbo.init(lambda)));
      assertTrue(e.getMessage().contains("a.ckpt") && e.getMessage().contains("6 vectors")
          && e.getMessage().contains("[lambda, w, u, d]"), e.getMessage());
    }
  }

  @Test
  void aCheckpointOfTheOlderFormatIsRefusedSayingSo(@TempDir Path temp) throws IOException {
    Path file = temp.resolve("old.ckpt");
    try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
      out.writeLong(0x4253474D434B5031L); // "BSGMCKP1"
      out.writeInt(5);
      out.writeLong(100);
      out.writeDouble(1.0);
      out.writeBoolean(false);
      out.writeInt(1);
      out.writeInt(4);
      for (int i = 0; i < 4; i++) {
        out.writeDouble(i);
      }
    }
    try (Workload workload = workload(); Arena arena = Arena.ofShared();
        UpperLevelMethod<?> method = workload.method("bsgm", MethodOverrides.NONE)) {
      DVector lambda = BACKEND.vector(arena, 4);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Checkpoint.read(file, lambda, method.init(lambda)));
      assertTrue(e.getMessage().contains("old.ckpt") && e.getMessage().contains("BSGMCKP1")
          && e.getMessage().contains("older version"), e.getMessage());
    }
  }

  @Test
  void everyFlippedByteIsRefusedNamingTheFile(@TempDir Path temp) throws IOException {
    Path file = temp.resolve("a.ckpt");
    try (Workload workload = workload(); Arena arena = Arena.ofShared();
        UpperLevelMethod<?> method = workload.method("mrbo", MethodOverrides.NONE)) {
      DVector lambda = BACKEND.vector(arena, 4);
      lambda.set(2, 0.25);
      new Checkpoint(7, 300, 1.5, false, 12, 1234).write(file, lambda, method.init(lambda));
      byte[] bytes = Files.readAllBytes(file);
      assertEquals(new Checkpoint(7, 300, 1.5, false, 12, 1234), Checkpoint.readCounters(file));
      for (int i = 0; i < bytes.length; i++) {
        byte[] flipped = bytes.clone();
        flipped[i] ^= (byte) (1 << (i % 8));
        Files.write(file, flipped);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Checkpoint.read(file, lambda, method.init(lambda)), "byte " + i);
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
      }
    }
  }

  /**
   * An iteration counter beyond 2<sup>31</sup> − 1 (the largest iteration index) is refused with
   * a message naming the file, for both kinds of state (it was an ArithmeticException).
   */
  @ParameterizedTest
  @ValueSource(strings = {"amigo", "mrbo"})
  void anIterationCounterBeyondAnIntIsRefusedNamingTheFile(String algorithm,
      @TempDir Path temp) {
    Path file = temp.resolve("a.ckpt");
    try (Workload workload = workload(); Arena arena = Arena.ofShared();
        UpperLevelMethod<?> method = workload.method(algorithm, MethodOverrides.NONE)) {
      DVector lambda = BACKEND.vector(arena, 4);
      AlgorithmState state = method.init(lambda);
      long[] counters = state.counters();
      counters[0] = Integer.MAX_VALUE + 1L;
      // a state that claims that many iterations, written as a valid checkpoint
      AlgorithmState beyond = new AlgorithmState() {
        @Override
        public List<NamedVector> vectors() {
          return state.vectors();
        }

        @Override
        public List<String> counterNames() {
          return state.counterNames();
        }

        @Override
        public long[] counters() {
          return counters;
        }

        @Override
        public void restoreCounters(long[] values) {
          throw new UnsupportedOperationException();
        }
      };
      new Checkpoint(7, 300, 1.5, false).write(file, lambda, beyond);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Checkpoint.read(file, lambda, method.init(lambda)));
      assertTrue(e.getMessage().startsWith(file.toString())
          && e.getMessage().contains("2147483648"), e.getMessage());
      counters[0] = Integer.MAX_VALUE;
      new Checkpoint(7, 300, 1.5, false).write(file, lambda, beyond);
      AlgorithmState read = method.init(lambda);
      Checkpoint.read(file, lambda, read);
      assertEquals(Integer.MAX_VALUE, read.counters()[0]);
    }
  }
}
