package io.github.bilevel.bsgm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.bsgm.problems.QuadraticProblem;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Backends;
import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** SID's stop check: consulted before every LL and LS step with the samples drawn so far. */
class StopCheckTest {

  private final Backend backend = Backends.byName("simd");
  private final QuadraticProblem problem = new QuadraticProblem(backend, 13, 5, 1.0, 2.0, 50,
      0.5, 99L);
  private final Sid.Options options = new Sid.Options(7, 4, 6, 3, StepSchedule.constant(0.4));

  @Test
  void aCheckThatNeverStopsSeesEveryStepAndChangesNothing() {
    try (Arena arena = Arena.ofConfined(); Sid plain = new Sid(problem, 8, 4);
        Sid watched = new Sid(problem, 8, 4)) {
      DVector lambda = Buffers.vector(arena, 5);
      backend.fill(0.3, lambda);
      DVector a = Buffers.vector(arena, 5);
      DVector b = Buffers.vector(arena, 5);
      List<Long> seen = new ArrayList<>();
      watched.stopWhen(drawn -> !seen.add(drawn));
      long samples = plain.estimate(lambda, options, new SplittableRandom(5), a);
      assertEquals(samples, watched.estimate(lambda, options, new SplittableRandom(5), b));
      assertArrayEquals(a.toArray(), b.toArray(), 0.0);
      // t = 7 LL steps of b = 3, then ĝ on J = 6, then k = 4 LS steps of b = 3
      assertEquals(List.of(0L, 3L, 6L, 9L, 12L, 15L, 18L, 27L, 30L, 33L, 36L), seen);
      assertEquals((7 + 4) * 3 + 2 * 6, samples);
    }
  }

  @Test
  void aStopAbandonsTheCallWithTheSamplesDrawn() {
    try (Arena arena = Arena.ofConfined(); Sid sid = new Sid(problem, 8, 4)) {
      DVector lambda = Buffers.vector(arena, 5);
      DVector out = Buffers.vector(arena, 5);
      backend.fill(0.3, lambda);
      sid.stopWhen(drawn -> drawn >= 30);
      IterationStoppedException stopped = assertThrows(IterationStoppedException.class,
          () -> sid.estimate(lambda, options, new SplittableRandom(5), out));
      assertEquals(30, stopped.samples());
      assertTrue(stopped.getMessage().contains("LS step 1"), stopped.getMessage());
      sid.stopWhen(StopCheck.NEVER);
      assertEquals(45, sid.estimate(lambda, options, new SplittableRandom(5), out));
    }
  }
}
