package io.github.bilevel.bsgm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Backends;
import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** SID on separable problems against dense solves, warm start, the divergence guard, BSGM. */
class SeparableSidTest {

  private final Backend backend = Backends.byName("simd");

  private static double distance(double[] a, double[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += (a[i] - b[i]) * (a[i] - b[i]);
    }
    return Math.sqrt(sum);
  }

  private static double norm(double[] a) {
    return distance(a, new double[a.length]);
  }

  private LinearSeparableProblem problem(long seed, double q) {
    return new LinearSeparableProblem(backend, 9, 6, 4, q, 0.3, 1e6, seed);
  }

  @Test
  void matchesTheExactHypergradientOnFullAndPartialBatches() {
    for (long seed = 1; seed <= 10; seed++) {
      LinearSeparableProblem problem = problem(seed, 0.3 + 0.06 * seed);
      SplittableRandom random = new SplittableRandom(seed);
      double[] lambda = random.doubles(problem.m, -1, 1).toArray();
      List<int[]> batches = new ArrayList<>();
      batches.add(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8});
      batches.add(new int[] {3, 0, 3, 7});   // repeats and any order
      batches.add(new int[] {8});
      for (double eta : new double[] {1.0, 0.6}) {
        for (int[] tasks : batches) {
          try (Arena arena = Arena.ofConfined(); SeparableSid sid = new SeparableSid(problem, 9)) {
            DVector out = Buffers.vector(arena, problem.m);
            Batch batch = new Batch(9).assign(problem.tasks, tasks);
            SeparableSid.Diagnostics diagnostics = sid.hypergradient(
                Buffers.vector(arena, lambda), batch, new SeparableSid.Options(400, 400, eta, true),
                out);
            double[] exact = problem.exactHypergradient(tasks, lambda);
            assertTrue(distance(out.toArray(), exact) <= 1e-10 * (1 + norm(exact)),
                "seed " + seed + ", eta " + eta + ": error " + distance(out.toArray(), exact));
            assertEquals((long) tasks.length * (400 + 400 + 2), diagnostics.samples());
            assertTrue(diagnostics.lowerResidual().orElseThrow() < 1e-12
                && diagnostics.linearResidual().orElseThrow() < 1e-12);
            // the states are the exact fixed points, row r for task tasks[r]
            for (int r = 0; r < tasks.length; r++) {
              assertTrue(distance(sid.states().row(r).toArray(),
                  problem.exactState(tasks[r], lambda)) < 1e-11);
            }
          }
        }
      }
    }
  }

  @Test
  void errorShrinksGeometricallyInTheNumberOfSteps() {
    LinearSeparableProblem problem = problem(11, 0.5);
    double[] lambda = new SplittableRandom(3).doubles(problem.m, -1, 1).toArray();
    int[] all = {0, 1, 2, 3, 4, 5, 6, 7, 8};
    double[] exact = problem.exactHypergradient(all, lambda);
    try (Arena arena = Arena.ofConfined(); SeparableSid sid = new SeparableSid(problem, 9)) {
      DVector out = Buffers.vector(arena, problem.m);
      DVector l = Buffers.vector(arena, lambda);
      Batch batch = new Batch(9).all(9);
      double previous = Double.POSITIVE_INFINITY;
      for (int steps = 2; steps <= 32; steps += 6) {
        sid.hypergradient(l, batch, new SeparableSid.Options(steps, steps), out);
        double error = distance(out.toArray(), exact);
        // q = 0.5: six more steps shrink the error by about 0.5^6 (with a polynomial factor)
        assertTrue(error < previous * 0.1, "steps " + steps + ": " + error + " vs " + previous);
        previous = error;
      }
    }
  }

  /** Steps needed (t = k) for the estimate at {@code lambda} to be within tol of exact. */
  private int stepsToReach(LinearSeparableProblem problem, SeparableSid sid, double[] lambda,
      WarmStartStore store, double tol, Arena arena) {
    int[] all = {0, 1, 2, 3, 4, 5, 6, 7, 8};
    double[] exact = problem.exactHypergradient(all, lambda);
    DVector out = Buffers.vector(arena, problem.m);
    DVector l = Buffers.vector(arena, lambda);
    Batch batch = new Batch(9).all(9);
    for (int steps = 0; steps < 500; steps++) {
      // read-only probe: copy the store so that probing does not move it
      WarmStartStore probe = null;
      if (store != null) {
        probe = new WarmStartStore(store.tasks(), store.stateDimension(), true);
        java.lang.foreign.MemorySegment.copy(store.states().segment(), 0,
            probe.states().segment(), 0, store.offHeapBytes() / 2);
        java.lang.foreign.MemorySegment.copy(store.linearSolutions().segment(), 0,
            probe.linearSolutions().segment(), 0, store.offHeapBytes() / 2);
      }
      sid.hypergradient(l, batch, new SeparableSid.Options(steps, steps), probe, out);
      if (probe != null) {
        probe.close();
      }
      if (distance(out.toArray(), exact) <= tol) {
        return steps;
      }
    }
    return Integer.MAX_VALUE;
  }

  @Test
  void warmStartReachesTheSameAnswerWithFewerSteps() {
    LinearSeparableProblem problem = problem(5, 0.7);
    SplittableRandom random = new SplittableRandom(9);
    double[] lambda0 = random.doubles(problem.m, -1, 1).toArray();
    double[] lambda1 = lambda0.clone();
    for (int j = 0; j < lambda1.length; j++) {
      lambda1[j] += 1e-3 * random.nextGaussian();
    }
    try (Arena arena = Arena.ofConfined(); SeparableSid sid = new SeparableSid(problem, 9);
        WarmStartStore store = WarmStartStore.forProblem(problem, true)) {
      assertEquals(2L * 9 * 6 * Double.BYTES, store.offHeapBytes());
      // fill the store with the solutions at λ0
      DVector out = Buffers.vector(arena, problem.m);
      sid.hypergradient(Buffers.vector(arena, lambda0), new Batch(9).all(9),
          new SeparableSid.Options(200, 200), store, out);
      assertTrue(distance(store.states().row(4).toArray(), problem.exactState(4, lambda0))
          < 1e-12, "the final states are written back");
      double tol = 1e-9;
      int cold = stepsToReach(problem, sid, lambda1, null, tol, arena);
      int warm = stepsToReach(problem, sid, lambda1, store, tol, arena);
      assertTrue(warm < cold && cold < 500, "warm " + warm + " vs cold " + cold);
      // and the warm answer is the exact one
      sid.hypergradient(Buffers.vector(arena, lambda1), new Batch(9).all(9),
          new SeparableSid.Options(warm, warm), store, out);
      double[] exact = problem.exactHypergradient(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8},
          lambda1);
      assertTrue(distance(out.toArray(), exact) <= tol);
    }
  }

  @Test
  void warmStartOfStatesOnlyStartsTheLinearSystemFromZero() {
    LinearSeparableProblem problem = problem(6, 0.6);
    double[] lambda = new SplittableRandom(2).doubles(problem.m, -1, 1).toArray();
    try (Arena arena = Arena.ofConfined(); SeparableSid sid = new SeparableSid(problem, 9);
        WarmStartStore store = WarmStartStore.forProblem(problem, false)) {
      assertEquals(9L * 6 * Double.BYTES, store.offHeapBytes());
      assertThrows(IllegalStateException.class, store::linearSolutions);
      DVector out = Buffers.vector(arena, problem.m);
      DVector l = Buffers.vector(arena, lambda);
      Batch batch = new Batch(9).assign(9, 2, 5);
      sid.hypergradient(l, batch, new SeparableSid.Options(300, 0), store, out);
      // the stored states are exact; with k = 1 the LS iterate is exactly G₁ = z − y
      sid.hypergradient(l, batch, new SeparableSid.Options(0, 1), store, out);
      for (int r = 0; r < 2; r++) {
        int task = batch.index(r);
        double[] z = problem.exactState(task, lambda);
        for (int j = 0; j < 6; j++) {
          assertEquals(z[j] - problem.y[task][j], sid.linearSolutions().get(r, j), 1e-12);
        }
      }
      store.clear();
      assertEquals(0.0, store.states().get(2, 0), 0.0);
    }
  }

  @Test
  void divergenceGuardNamesTheSolverAndIteration() {
    LinearSeparableProblem expanding = problem(7, 3.0);
    try (Arena arena = Arena.ofConfined(); SeparableSid sid = new SeparableSid(expanding, 9)) {
      DVector out = Buffers.vector(arena, expanding.m);
      DVector lambda = Buffers.vector(arena, new double[] {1, -1, 0.5, 0.2});
      Batch batch = new Batch(9).all(9);
      SeparableSid.Options lower = new SeparableSid.Options(5000, 1).withResiduals(true);
      ArithmeticException e = assertThrows(ArithmeticException.class,
          () -> sid.hypergradient(lambda, batch, lower, out));
      assertTrue(e.getMessage().contains("LL solver at iteration"), e.getMessage());
      assertTrue(e.getMessage().contains("last finite residual"), e.getMessage());
      SeparableSid.Options linear = new SeparableSid.Options(3, 5000).withResiduals(true);
      e = assertThrows(ArithmeticException.class,
          () -> sid.hypergradient(lambda, batch, linear, out));
      assertTrue(e.getMessage().contains("LS solver at iteration"), e.getMessage());
      // without residuals: one check per solve, still naming the solver
      e = assertThrows(ArithmeticException.class,
          () -> sid.hypergradient(lambda, batch, new SeparableSid.Options(5000, 1), out));
      assertTrue(e.getMessage().contains("LL solver: its iterate is not finite after 5000"),
          e.getMessage());
      e = assertThrows(ArithmeticException.class,
          () -> sid.hypergradient(lambda, batch, new SeparableSid.Options(3, 5000), out));
      assertTrue(e.getMessage().contains("LS solver: its iterate is not finite after 5000"),
          e.getMessage());
    }
  }

  @Test
  void residualsAreComputedOnlyWhenAskedForAndChangeNothingElse() {
    LinearSeparableProblem problem = problem(4, 0.5);
    try (Arena arena = Arena.ofConfined(); SeparableSid sid = new SeparableSid(problem, 9)) {
      DVector lambda = Buffers.vector(arena, new SplittableRandom(5).doubles(problem.m, -1, 1)
          .toArray());
      DVector plainOut = Buffers.vector(arena, problem.m);
      DVector monitoredOut = Buffers.vector(arena, problem.m);
      Batch batch = new Batch(9).all(9);
      SeparableSid.Options plain = new SeparableSid.Options(7, 6, 0.8);
      SeparableSid.Diagnostics a = sid.hypergradient(lambda, batch, plain, plainOut);
      SeparableSid.Diagnostics b = sid.hypergradient(lambda, batch, plain.withResiduals(true),
          monitoredOut);
      assertTrue(a.lowerResidual().isEmpty() && a.linearResidual().isEmpty());
      assertTrue(b.lowerResidual().orElseThrow() > 0 && b.linearResidual().orElseThrow() > 0);
      assertEquals(a.samples(), b.samples());
      for (int i = 0; i < problem.m; i++) {
        assertEquals(monitoredOut.get(i), plainOut.get(i), 0.0, "entry " + i);
      }
    }
  }

  @Test
  void badInputIsReported() {
    LinearSeparableProblem problem = problem(8, 0.5);
    try (Arena arena = Arena.ofConfined(); SeparableSid sid = new SeparableSid(problem, 3)) {
      DVector out = Buffers.vector(arena, problem.m);
      DVector lambda = Buffers.vector(arena, problem.m);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> sid.hypergradient(lambda, new Batch(9).all(9), new SeparableSid.Options(1, 1),
              out));
      assertTrue(e.getMessage().contains("1 to 3 tasks"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> sid.hypergradient(lambda, new Batch(3).assign(20, 1, 15),
              new SeparableSid.Options(1, 1), out));
      assertTrue(e.getMessage().contains("task 15"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> sid.hypergradient(Buffers.vector(arena, 3), new Batch(3).all(3),
              new SeparableSid.Options(1, 1), out));
      assertTrue(e.getMessage().contains("length m = 4"), e.getMessage());
      try (WarmStartStore wrong = new WarmStartStore(5, 6, false)) {
        e = assertThrows(IllegalArgumentException.class,
            () -> sid.hypergradient(lambda, new Batch(3).all(3), new SeparableSid.Options(1, 1),
                wrong, out));
        assertTrue(e.getMessage().contains("warm-start store holds 5"), e.getMessage());
      }
      assertThrows(IllegalArgumentException.class, () -> new SeparableSid.Options(1, 1, 1.5));
      assertThrows(IllegalArgumentException.class, () -> new SeparableSid.Options(-1, 1));
    }
  }

  @Test
  void bsgmConvergesToTheExactMinimizer() {
    LinearSeparableProblem problem = problem(12, 0.5);
    double[] minimizer = problem.exactMinimizer();
    int[] all = {0, 1, 2, 3, 4, 5, 6, 7, 8};
    try (Arena arena = Arena.ofConfined()) {
      // cold start with enough steps, and warm start with 2 steps: both reach λ*
      for (boolean warm : new boolean[] {false, true}) {
        try (WarmStartStore store = warm ? WarmStartStore.forProblem(problem, true) : null;
            SeparableBsgm bsgm = new SeparableBsgm(problem, 9, store)) {
          DVector lambda = Buffers.vector(arena, problem.m);
          int steps = warm ? 2 : 60;
          SeparableBsgm.Options options = new SeparableBsgm.Options(0.5,
              IterationSchedule.fixed(steps, steps, 9), 1.0, SeparableBsgm.Sampling.EPOCHS, 600)
              .withExact((l, out) -> out.copyFrom(problem.exactHypergradient(all, l.toArray())));
          List<Bsgm.Progress> trace = new ArrayList<>();
          Bsgm.Result result = bsgm.run(lambda, options, new SplittableRandom(1), trace::add);
          assertEquals(600, result.iterations());
          assertEquals("iteration limit", result.stoppedBecause());
          assertEquals(600L * 9 * (2 * steps + 2), result.samples());
          assertEquals(9L * (2 * steps + 2), trace.get(0).samples());
          assertTrue(distance(lambda.toArray(), minimizer) < 1e-8,
              "warm " + warm + ": " + distance(lambda.toArray(), minimizer));
          assertTrue(trace.get(599).gradientMappingNorm() < 1e-7);
          assertTrue(trace.get(599).upperObjective() < trace.get(0).upperObjective());
        }
      }
    }
  }

  @Test
  void bsgmStopsOnSamplesAndTimeAndDrawsEveryTaskPerEpoch() {
    LinearSeparableProblem problem = problem(13, 0.5);
    try (Arena arena = Arena.ofConfined(); SeparableBsgm bsgm = new SeparableBsgm(problem, 4)) {
      DVector lambda = Buffers.vector(arena, problem.m);
      SeparableBsgm.Options options = new SeparableBsgm.Options(0.1,
          IterationSchedule.fixed(3, 3, 3), 1.0, SeparableBsgm.Sampling.EPOCHS, 1000);
      // one epoch = three batches of 3 covering all 9 tasks
      boolean[] seen = new boolean[9];
      bsgm.run(lambda, new SeparableBsgm.Options(0.1, IterationSchedule.fixed(3, 3, 3), 1.0,
          SeparableBsgm.Sampling.EPOCHS, 3), new SplittableRandom(4), p -> {
            for (int r = 0; r < 3; r++) {
              seen[bsgm.lastBatch().index(r)] = true;
            }
          });
      for (int i = 0; i < 9; i++) {
        assertTrue(seen[i], "task " + i + " not visited in the first epoch");
      }
      Bsgm.Result result = bsgm.run(lambda, options.withSampleBudget(100),
          new SplittableRandom(5), null);
      assertEquals("sample budget", result.stoppedBecause());
      // 24 samples per iteration, the budget checked before each (as Bsgm): 96 < 100 goes on
      assertEquals(5, result.iterations());
      assertEquals(120, result.samples());
      result = bsgm.run(lambda, options.withTimeLimitNanos(1), new SplittableRandom(5), null);
      assertEquals("time limit", result.stoppedBecause());
      assertTrue(result.iterations() <= 1);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> bsgm.run(lambda, new SeparableBsgm.Options(0.1, IterationSchedule.fixed(3, 3, 5),
              1.0, SeparableBsgm.Sampling.WITH_REPLACEMENT, 2), new SplittableRandom(5), null));
      assertTrue(e.getMessage().contains("batch of 5"), e.getMessage());
    }
  }
}
