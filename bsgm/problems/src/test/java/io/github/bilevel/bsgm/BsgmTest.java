package io.github.bilevel.bsgm;

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

/** BSGM on quadratic problems, against the exact hypergradient. */
class BsgmTest {

  private final Backend backend = Backends.byName("simd");

  private static Bsgm.ExactHypergradient exact(QuadraticProblem problem) {
    return (lambda, out) -> out.copyFrom(problem.exactHypergradient(lambda.toArray()));
  }

  @Test
  void deterministicBsgmReachesTheStationaryPoint() {
    try (QuadraticProblem problem = new QuadraticProblem(backend, 20, 4, 1.0, 4.0, 1, 0.0, 5L);
        Arena arena = Arena.ofConfined(); Bsgm bsgm = new Bsgm(problem, 1, 1)) {
      DVector lambda = Buffers.vector(arena, 4);
      List<Bsgm.Progress> trace = new ArrayList<>();
      Bsgm.Options options = Bsgm.Options.of(0.2, IterationSchedule.theorem17(20.0), 1,
          StepSchedule.constant(1.0)).withMaxIterations(600).withExact(exact(problem));
      Bsgm.Result result = bsgm.run(lambda, options, new SplittableRandom(1), trace::add);
      assertEquals(600, result.iterations());
      assertEquals("iteration limit", result.stoppedBecause());
      double first = trace.get(0).gradientMappingNorm();
      double last = bsgm.gradientMappingNorm(lambda, 0.2, exact(problem));
      assertTrue(last <= 1e-8 * first, "‖G‖ went from " + first + " to " + last);
      // the trace: iterations in order, samples growing by t_s + k_s + 2J_s
      for (int s = 0; s < trace.size(); s++) {
        Bsgm.Progress p = trace.get(s);
        assertEquals(s, p.iteration());
        long previous = s == 0 ? 0 : trace.get(s - 1).samples();
        int ts = (int) Math.ceil(20.0 * Math.log(s + 2));
        assertEquals(previous + 2L * ts + 2, p.samples(), "samples at s = " + s);
        assertTrue(Double.isFinite(p.upperObjective()) && p.seconds() >= 0);
      }
    }
  }

  @Test
  void stochasticBsgmGetsCloseWithTheorem16Schedule() {
    try (QuadraticProblem problem = new QuadraticProblem(backend, 10, 3, 1.0, 2.0, 32, 0.5, 9L);
        Arena arena = Arena.ofConfined(); Bsgm bsgm = new Bsgm(problem, 512, 1)) {
      DVector lambda = Buffers.vector(arena, 3);
      Bsgm.ExactHypergradient exact = exact(problem);
      double initial = bsgm.gradientMappingNorm(lambda, 0.2, exact);
      Bsgm.Options options = Bsgm.Options.of(0.2, IterationSchedule.theorem16(), 1,
          StepSchedule.decreasing(1.5, 1.5)).withMaxIterations(300);
      bsgm.run(lambda, options, new SplittableRandom(2), null);
      double last = bsgm.gradientMappingNorm(lambda, 0.2, exact);
      assertTrue(last <= 0.05 * initial, "‖G‖ went from " + initial + " to " + last);
    }
  }

  @Test
  void aListenerLeavesTheTrajectoryUnchangedAndIterateEqualsRun() {
    try (QuadraticProblem problem = new QuadraticProblem(backend, 10, 3, 1.0, 2.0, 32, 0.5, 9L);
        Arena arena = Arena.ofConfined(); Bsgm bsgm = new Bsgm(problem, 64, 1)) {
      Bsgm.Options options = Bsgm.Options.of(0.2, IterationSchedule.theorem16(), 1,
          StepSchedule.decreasing(1.5, 1.5)).withMaxIterations(40);
      DVector quiet = Buffers.vector(arena, 3);
      DVector watched = Buffers.vector(arena, 3);
      DVector stepped = Buffers.vector(arena, 3);
      long quietSamples = bsgm.run(quiet, options, new SplittableRandom(3), null).samples();
      List<Bsgm.Progress> trace = new ArrayList<>();
      bsgm.run(watched, options, new SplittableRandom(3), trace::add);
      SplittableRandom random = new SplittableRandom(3);
      long steppedSamples = 0;
      Bsgm.State state = bsgm.init();
      for (int s = 0; s < 40; s++) {
        steppedSamples += bsgm.iterate(state, stepped, options, random);
      }
      assertEquals(40, state.iteration());
      assertEquals(40, trace.size());
      assertEquals(quietSamples, trace.get(39).samples());
      assertEquals(quietSamples, steppedSamples);
      for (int i = 0; i < 3; i++) {
        assertEquals(Double.doubleToLongBits(quiet.get(i)), Double.doubleToLongBits(watched.get(i)));
        assertEquals(Double.doubleToLongBits(quiet.get(i)), Double.doubleToLongBits(stepped.get(i)));
      }
    }
  }

  @Test
  void theSampleBudgetStopsTheRun() {
    try (QuadraticProblem problem = new QuadraticProblem(backend, 5, 2, 1.0, 2.0, 1, 0.0, 1L);
        Arena arena = Arena.ofConfined(); Bsgm bsgm = new Bsgm(problem, 1, 1)) {
      Bsgm.Options options = Bsgm.Options.of(0.1, IterationSchedule.fixed(10, 10, 1), 1,
          StepSchedule.constant(1.0)).withMaxIterations(1000).withSampleBudget(100);
      Bsgm.Result result = bsgm.run(Buffers.vector(arena, 2), options, new SplittableRandom(1),
          null);
      assertEquals("sample budget", result.stoppedBecause());
      assertEquals(5, result.iterations()); // 22 samples per iteration: 110 >= 100 after 5
      assertEquals(110, result.samples());
    }
  }

  @Test
  void badSettingsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> Bsgm.Options.of(0,
        IterationSchedule.theorem16(), 1, StepSchedule.constant(1)));
    assertThrows(IllegalArgumentException.class, () -> Bsgm.Options.of(0.1,
        IterationSchedule.theorem16(), 1, StepSchedule.constant(1)).withSampleBudget(0));
    assertThrows(IllegalArgumentException.class, () -> IterationSchedule.theorem16Horizon(0));
    assertThrows(IllegalArgumentException.class, () -> IterationSchedule.theorem17(-1));
    assertThrows(IllegalArgumentException.class, () -> IterationSchedule.fixed(1, 1, 0));
  }
}
